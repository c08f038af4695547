import pytest

from soulchat_local.config import Config, load_config
from soulchat_local.errors import UserError


def test_missing_file_gives_design_defaults(tmp_path):
    config = load_config(tmp_path / "config.toml")
    assert config == Config()
    assert (config.model.n_ctx, config.model.threads, config.model.gpu_layers) == (8192, 0, -1)
    assert (config.sampling.temperature, config.sampling.top_p, config.sampling.max_tokens) == (
        0.7,
        0.9,
        1024,
    )


def test_values_are_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[model]\ndefault = "x"\nn_ctx = 2048\n[sampling]\ntemperature = 1\n')
    config = load_config(path)
    assert config.model.default == "x" and config.model.n_ctx == 2048
    assert config.sampling.temperature == 1.0 and isinstance(config.sampling.temperature, float)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[model\n", "cannot read"),
        ("[modle]\nn_ctx = 1\n", "unknown section"),
        ("[model]\nctx = 1\n", "unknown key model.ctx"),
        ("[model]\nn_ctx = 'big'\n", "must be a number"),
        ("[model]\nn_ctx = 10\n", "out of range"),
        ("[sampling]\ntop_p = 0\n", "out of range"),
        ("[model]\nthreads = 1.5\n", "whole number"),
        ("[model]\ndefault = 3\n", "model name"),
    ],
)
def test_bad_config_is_a_user_error(tmp_path, text, fragment):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(UserError, match=fragment):
        load_config(path)


def test_cache_section(tmp_path):
    path = tmp_path / "config.toml"
    assert (Config().cache.prompt_state, Config().cache.max_mb) == (True, 2048)
    path.write_text("[cache]\nprompt_state = false\nmax_mb = 64\n")
    config = load_config(path)
    assert config.cache.prompt_state is False and config.cache.max_mb == 64
    path.write_text("[cache]\nprompt_state = 1\n")
    with pytest.raises(UserError, match="true or false"):
        load_config(path)
    path.write_text("[cache]\nmax_mb = -1\n")
    with pytest.raises(UserError, match="out of range"):
        load_config(path)
