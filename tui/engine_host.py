"""The model behind the app: the one engine thread, loading a model, swapping models.

Part of SoulChatApp (tui/app.py holds the state these methods use).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from soulchat_local.catalogue import DEMO_MODEL, demo_model_path
from soulchat_local.engine import Engine
from soulchat_local.errors import UserError
from soulchat_local.model_hint import take_chinese_model_hint
from soulchat_local.registry import Registry
from soulchat_local.resolve import ModelRef, resolve_model

from .gc_freeze import freeze_once
from .screens.model_picker import ModelPicker
from .screens.no_model import NoModelScreen

EngineFactory = Callable[[ModelRef], Engine]


class EngineHost:
    """Loads models in the engine thread and hands the app a ready Engine."""

    def start_engine(self, spec: str | None = None) -> None:
        """Use the injected engine, or resolve the model and load it in the background."""
        if self.engine is not None and spec is None:
            self.call_later(self._engine_ready, self.engine)
            return
        try:
            ref = resolve_model(spec or self.model_spec, self.config, self.paths)
        except UserError as exc:
            if self.installed_models():
                self.push_screen(
                    ModelPicker(self.installed_models(), None, self.language, note=str(exc)),
                    self._model_picked,
                )
            else:
                self.push_screen(NoModelScreen(str(exc), self.language))
            self.chat.status.show(self.language, model="", loading=False)
            return
        self.model_ref = ref
        hint = take_chinese_model_hint(self.paths, ref.name, self.language)
        if hint:  # a Chinese speaker with only the English demo: once, as a toast
            self.notify(hint, timeout=30)
        self.loading = True
        self.chat.status.show(self.language, model=ref.name, loading=True)
        self.run_worker(
            self.in_engine_thread(partial(self._load_thread, ref)),
            group="load",
            exit_on_error=False,
        )

    async def in_engine_thread(self, work: Callable[[], object]) -> object:
        """Run `work` in the one thread that talks to the model.

        Every load and turn runs in the same OS thread: llama.cpp's CPU thread pool
        (OpenMP) belongs to the thread that calls it, and a new calling thread per turn
        would leave the earlier pools competing for the cores.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.engine_thread, work)

    def _load_thread(self, ref: ModelRef) -> None:
        try:
            engine = self.engine_factory(ref)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the app stays usable
            self.call_from_thread(self._engine_failed, ref, exc)
            return
        self.call_from_thread(self._engine_ready, engine)

    async def _engine_ready(self, engine: Engine) -> None:
        old, self.engine = self.engine, engine
        if old is not None and old is not engine:
            self.engine_thread.submit(old.close)
        self.loading = False
        freeze_once()
        self.chat.status.show(
            self.language,
            model=engine.name,
            backend=engine.backend,
            loading=False,
            n_ctx=engine.n_ctx,
        )
        self.refresh_bindings()
        if self.pending is not None:
            kind, text = self.pending
            self.pending = None
            await self.start_turn(kind, text)

    def _engine_failed(self, ref: ModelRef, exc: Exception) -> None:
        self.loading = False
        self.chat.status.show(self.language, model="", loading=False)
        self.push_screen(NoModelScreen(f"{ref.name}: {exc}", self.language, "loaderror.title"))

    def installed_models(self) -> list[str]:
        names = sorted(Registry(self.paths).load())
        if DEMO_MODEL not in names and demo_model_path() is not None:
            names.append(DEMO_MODEL)
        return names

    def action_pick_model(self) -> None:
        current = self.engine.name if self.engine else None
        self.push_screen(
            ModelPicker(self.installed_models(), current, self.language), self._model_picked
        )

    def _model_picked(self, name: str | None) -> None:
        if not name or (self.engine is not None and name == self.engine.name):
            return
        if self.busy():
            return
        self.model_spec = name
        self.start_engine(name)

    def close_engine(self) -> None:
        """Close the model in its thread and wait for that thread to end (app exit)."""
        if self.engine is not None:
            self.engine_thread.submit(self.engine.close)
        self.engine_thread.shutdown(wait=True)
