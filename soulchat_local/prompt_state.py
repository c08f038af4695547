"""Keeping llama.cpp's prompt state between runs, per session ([cache] in config.toml).

After each turn the engine's cache (the keys and values of the session's tokens) is
saved; the next turn in a new process (`ask --session`, reopening the session in the
app, switching back to the model) loads it and evaluates only what follows. A new
session starts from the saved state of its system prompt, made once per model, persona
and language.

A saved state is used only when it was made by this model file, llama.cpp build and
context settings, for this session of this history, and only for the leading tokens it
shares with the prompt now. A token's keys and values depend on it and the tokens before
it alone, so a reply is what it would be without the state. Anything else (damaged, cut
short, another model's, another build's, another history's) is ignored with one debug
line, removed, and rebuilt after the turn.
"""

from __future__ import annotations

import array
import hashlib
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from .engine import Engine, Prompt, common_prefix
from .store import Store
from .store.state_files import Header, StateError, StateFiles, session_of, session_state_name

log = logging.getLogger(__name__)


def for_turn(store: Store, engine: Engine, session_id: int) -> TurnStates | None:
    """The saved states of a turn of `session_id`; None when states are off or the engine
    or the history cannot keep them."""
    if not engine.cache.prompt_state or engine.cache.max_mb <= 0:
        return None
    identity = engine.state_identity()
    if identity is None:
        return None
    try:
        files = store.prompt_states()
    except OSError as exc:
        log.debug("prompt state off: %s", exc)
        return None
    if files is None:
        return None
    session = store.session(session_id)
    owner = {"session": session.id, "created": session.created}
    return TurnStates(store, files, identity, owner, engine.cache.max_mb << 20)


class TurnStates:
    def __init__(
        self,
        store: Store,
        files: StateFiles,
        identity: dict[str, Any],
        owner: dict[str, Any],
        max_bytes: int,
    ) -> None:
        self.store = store
        self.files = files
        canonical = json.dumps(identity, sort_keys=True)
        self.identity = json.loads(canonical)  # as it reads back from a file
        self.owner = owner
        self.max_bytes = max_bytes
        self.key = _digest(canonical.encode())
        self.name = session_state_name(owner["session"], self.key)
        self.restored = 0  # prompt tokens that came from a saved state

    # -- before the prompt is evaluated --------------------------------------------------
    def restore(self, engine: Engine, prompt: Prompt) -> None:
        try:
            self._restore(engine, prompt)
        except (OSError, StateError, ValueError, RuntimeError) as exc:
            log.debug("prompt state not restored: %s", exc)

    def _restore(self, engine: Engine, prompt: Prompt) -> None:
        tokens = prompt.tokens
        held = common_prefix(engine.cached_tokens(), tokens)
        system = _system_prefix(engine, prompt)
        system_name = self._system_name(system) if system else None
        options: list[tuple[int, Header]] = []
        for name, owner in ((self.name, self.owner), (system_name, None)):
            header = self._header(name, owner, engine) if name else None
            shared = common_prefix(header.tokens, tokens) if header else 0
            if header is not None and shared > held:
                options.append((shared, header))
        for _, header in sorted(options, key=lambda option: -option[0]):
            data = self._payload(header)
            if data is None:
                continue
            if engine.import_state(header.tokens, data):
                self.files.touch(header.name)
                self.restored = common_prefix(engine.cached_tokens(), tokens)
                break
            self._drop(header.name, "llama.cpp refused it")
        held = common_prefix(engine.cached_tokens(), tokens)
        if system and system_name and held <= len(system) and not self._exists(system_name):
            engine.evaluate(system)  # the new session's first turn needs it anyway
            self._save(engine, system_name, None)

    def _header(self, name: str, owner: dict[str, Any] | None, engine: Engine) -> Header | None:
        try:
            header = self.files.header(name)
        except (OSError, StateError) as exc:
            return self._drop(name, str(exc))
        if header is None:
            return None
        if header.meta.get("identity") != self.identity:
            return self._drop(name, "made by another model, build or context size")
        if header.meta.get("owner") != owner:
            return self._drop(name, "made for another session or history")
        if len(header.tokens) > engine.n_ctx:
            return self._drop(name, "longer than the context window")
        return header

    def _payload(self, header: Header) -> bytearray | None:
        try:
            return self.files.payload(header)
        except (OSError, StateError) as exc:
            return self._drop(header.name, str(exc))

    def _drop(self, name: str, why: str) -> None:
        log.debug("prompt state %s ignored: %s", name, why)
        self.files.remove(name)
        return None

    def _exists(self, name: str) -> bool:
        return self.files.path(name).is_file()

    def _system_name(self, tokens: Sequence[int]) -> str:
        return f"p-{self.key}-{_digest(array.array('i', tokens).tobytes())}"

    # -- after the reply ---------------------------------------------------------------------
    def keep(self, engine: Engine) -> None:
        try:
            self._save(engine, self.name, self.owner)
            self._tidy()
        except (OSError, ValueError, RuntimeError) as exc:
            log.debug("prompt state not saved: %s", exc)

    def _save(self, engine: Engine, name: str, owner: dict[str, Any] | None) -> None:
        exported = engine.export_state()
        if exported is None:
            return
        tokens, data = exported
        meta = {"identity": self.identity, "owner": owner, "saved": time.time()}
        self.files.write(name, meta, tokens, data)

    def _tidy(self) -> None:
        """Leftovers of killed writes, states of sessions that are gone, and the least
        recently used past the size cap."""
        self.files.sweep_temporary()
        sessions = self.store.session_ids()
        self.files.remove_where(lambda n: session_of(n) not in (None, *sessions))
        self.files.evict(self.max_bytes, keep=[self.name])


def _system_prefix(engine: Engine, prompt: Prompt) -> list[int] | None:
    """The prompt's leading tokens that render its system message alone."""
    if not prompt.messages or prompt.messages[0].role != "system":
        return None
    alone = engine.tokenize(engine.render(prompt.messages[:1]))
    shared = common_prefix(alone, prompt.tokens)
    return prompt.tokens[:shared] if shared > 1 else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
