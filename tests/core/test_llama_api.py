"""What llama_engine.py relies on in llama-cpp-python, checked so that an upgrade that
drops or changes any of it fails here, loudly, instead of misbehaving quietly.

Most of it is public API. Two fields are not documented: `Llama.input_ids` and
`Llama.n_tokens`, which LlamaState carries and Llama.load_state sets; the engine sets them
itself after restoring a sequence state (see LlamaEngine.import_state for why). The
package version is bounded in pyproject.toml; raise the bound only with this file green.
"""

from __future__ import annotations

import inspect

import pytest

from soulchat_local.config import Config
from soulchat_local.llama_engine import LlamaEngine
from soulchat_local.resolve import ModelRef

pytestmark = pytest.mark.real_model

FUNCTIONS = (
    "llama_model_get_vocab",
    "llama_vocab_get_add_bos",
    "llama_vocab_is_eog",
    "llama_vocab_get_attr",
    "llama_state_seq_get_size",
    "llama_state_seq_get_data",
    "llama_state_seq_set_data",
    "llama_get_memory",
    "llama_memory_seq_rm",
    "llama_supports_gpu_offload",
    "llama_print_system_info",
    "llama_model_default_params",
)
METHODS = (
    "tokenize",
    "detokenize",
    "generate",
    "eval",
    "reset",
    "close",
    "n_ctx",
    "n_vocab",
    "token_bos",
    "token_eos",
)
PROPERTIES = ("ctx", "model", "eval_tokens")


def test_the_functions_and_methods_exist():
    import llama_cpp

    missing = [name for name in FUNCTIONS if not callable(getattr(llama_cpp, name, None))]
    missing += [f"Llama.{m}" for m in METHODS if not callable(getattr(llama_cpp.Llama, m, None))]
    missing += [
        f"Llama.{p}"
        for p in PROPERTIES
        if not isinstance(inspect.getattr_static(llama_cpp.Llama, p, None), property)
    ]
    for constant in ("LLAMA_TOKEN_ATTR_CONTROL",):
        if not isinstance(getattr(llama_cpp, constant, None), int):
            missing.append(constant)
    assert not missing, f"llama-cpp-python no longer has: {', '.join(missing)}"
    params = llama_cpp.llama_model_default_params()
    assert hasattr(params, "use_extra_bufts"), "model params lost use_extra_bufts (open_llama)"
    generate = inspect.signature(llama_cpp.Llama.generate).parameters
    for name in ("temp", "top_p", "top_k", "min_p", "repeat_penalty"):
        assert name in generate, f"Llama.generate lost its {name} argument"


@pytest.fixture(scope="module")
def engine(demo_gguf):
    config = Config()
    config.model.n_ctx = 512
    engine = LlamaEngine(ModelRef("smollm2-demo", demo_gguf), config.model)
    yield engine
    engine.close()


def test_the_token_bookkeeping_behaves_as_the_engine_expects(engine):
    llm = engine.llm
    tokens = llm.tokenize(b"The evening was quiet and long.", add_bos=False)
    llm.reset()
    llm.eval(tokens)
    # the undocumented fields the engine writes: still there, still what eval_tokens reads
    assert isinstance(llm.n_tokens, int) and llm.n_tokens == len(tokens)
    assert list(llm.input_ids[: llm.n_tokens]) == tokens == list(llm.eval_tokens)
    exported = engine.export_state()
    assert exported is not None and exported[0] == tokens
    data = bytearray(exported[1])
    llm.reset()
    assert list(llm.eval_tokens) == []
    assert engine.import_state(tokens, data)
    assert list(llm.eval_tokens) == tokens[:-1]  # the last one is evaluated again
    # generate() must take the restored tokens as its cache and evaluate only the rest
    import llama_cpp

    before = llama_cpp.llama_perf_context(llm.ctx).n_p_eval
    next(iter(llm.generate(tokens + tokens[:2], temp=0.0)))
    assert llama_cpp.llama_perf_context(llm.ctx).n_p_eval - before == 3
