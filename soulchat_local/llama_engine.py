"""The engine that runs a GGUF model through llama.cpp (llama-cpp-python)."""

from __future__ import annotations

import codecs
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .config import CacheSettings, ModelSettings, Sampling
from .engine import Engine, GenerationStats, Prompt, TokenInfo, common_prefix
from .errors import UserError
from .gguf_check import check_gguf
from .hardware import backend_name, physical_cores
from .prompts import Message, Segment, render
from .reasoning import CLOSE, OPEN
from .resolve import ModelRef

_PARAMS_LOCK = threading.Lock()
SEQUENCE = 0  # llama.cpp sequence id of the one conversation a context holds


def open_llama(model_path: str, **kwargs: Any):  # noqa: ANN201 - llama_cpp.Llama
    """llama_cpp.Llama with the CPU's extra weight buffers off where they are unsafe.

    llama.cpp repacks weights into "extra buffer types" for its AMX (and other) CPU
    kernels. On CPUs that report AMX_INT8 we have seen every multi-token decode crash
    (SIGSEGV inside llama_decode, Xeon with AMX under a VM), so there the plain CPU
    buffers are used. Every Llama in this project, tests included, is made here.
    """
    import llama_cpp

    kwargs.setdefault("verbose", False)
    if not _extra_buffers_unsafe():
        return llama_cpp.Llama(model_path=model_path, **kwargs)
    with _plain_cpu_buffers():
        return llama_cpp.Llama(model_path=model_path, **kwargs)


def _extra_buffers_unsafe() -> bool:
    import llama_cpp

    return b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()


@contextmanager
def _plain_cpu_buffers() -> Iterator[None]:
    # Llama() builds its model parameters from llama_model_default_params() and has no
    # argument for use_extra_bufts, so the defaults are adjusted while it loads.
    from llama_cpp import llama_cpp as lib

    with _PARAMS_LOCK:
        original = lib.llama_model_default_params

        def defaults():  # noqa: ANN202
            params = original()
            params.use_extra_bufts = False
            return params

        lib.llama_model_default_params = defaults
        try:
            yield
        finally:
            lib.llama_model_default_params = original


class LlamaEngine(Engine):
    def __init__(
        self,
        model: ModelRef,
        settings: ModelSettings,
        *,
        n_ctx: int | None = None,
        cache: CacheSettings | None = None,
    ):
        super().__init__()
        info = check_gguf(model.path)  # never hand llama.cpp a file that can crash it
        import llama_cpp

        self.cache = cache or CacheSettings()
        self.model_path = model.path
        self.name = model.name
        self.prompt_format = model.prompt_format
        self.template = info.chat_template
        self.threads = settings.threads or physical_cores()
        wanted_ctx = n_ctx or settings.n_ctx
        if info.context_length:
            wanted_ctx = min(wanted_ctx, info.context_length)
        offload = llama_cpp.llama_supports_gpu_offload()
        self.gpu_layers = settings.gpu_layers if offload else 0
        self.backend = backend_name() if self.gpu_layers else "CPU"
        try:
            self.llm = open_llama(
                str(model.path),
                n_ctx=wanted_ctx,
                n_threads=self.threads,
                n_threads_batch=self.threads,
                n_gpu_layers=self.gpu_layers,
            )
        except (ValueError, RuntimeError) as exc:
            raise UserError(f"llama.cpp could not load {model.path}: {exc}") from exc
        self.n_ctx = self.llm.n_ctx()
        self._ids_size = max(self.n_ctx, wanted_ctx)  # the size of Llama's token array
        self.vocab = llama_cpp.llama_model_get_vocab(self.llm.model)
        self.bos_id = self.llm.token_bos()
        self.eos_id = self.llm.token_eos()
        self.add_bos = bool(llama_cpp.llama_vocab_get_add_bos(self.vocab)) and self.bos_id >= 0
        self.bos_text = self._piece(self.bos_id) if self.bos_id >= 0 else ""
        self.eos_text = self._piece(self.eos_id) if self.eos_id >= 0 else ""
        # Replies as the model generated them, so re-rendered history matches the cache
        # token for token (tokenizing the text again can split it differently).
        self._generated: dict[str, list[int]] = {}
        self._tokenized: dict[tuple[str, bool], list[int]] = {}
        self._pieces: dict[int, bytes] = {}
        self._identity: dict[str, Any] | None = None
        # A reasoning model's <think> and </think> reach the reply as text even where the
        # file marks them as control tokens (those are otherwise left out of the text).
        self._tag_tokens: set[int] = set()
        for tag in (OPEN, CLOSE):
            ids = self.llm.tokenize(tag.encode(), add_bos=False, special=True)
            if len(ids) == 1:
                self._tag_tokens.add(ids[0])

    def _piece(self, token: int) -> str:
        return self.llm.detokenize([token], special=True).decode("utf-8", errors="replace")

    def close(self) -> None:
        self.llm.close()

    # -- prompts ------------------------------------------------------------------
    def render(self, messages: Sequence[Message]) -> list[Segment]:
        return render(
            self.prompt_format,
            messages,
            template=self.template,
            bos_token=self.bos_text,
            eos_token=self.eos_text,
        )

    def tokenize(self, segments: Sequence[Segment]) -> list[int]:
        tokens: list[int] = []
        for segment in segments:
            if not segment.text:
                continue
            cached = self._generated.get(segment.text) if segment.literal else None
            if cached is None:
                cached = self._tokenize_text(segment.text, special=not segment.literal)
            tokens += cached
        if self.add_bos and (not tokens or tokens[0] != self.bos_id):
            tokens.insert(0, self.bos_id)
        return tokens

    def _tokenize_text(self, text: str, *, special: bool) -> list[int]:
        # Every turn re-renders the whole history; the earlier segments are the same text.
        key = (text, special)
        tokens = self._tokenized.get(key)
        if tokens is None:
            if len(self._tokenized) > 4096:
                self._tokenized.clear()
            tokens = self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)
            self._tokenized[key] = tokens
        return tokens

    def _piece_bytes(self, token: int) -> bytes:
        piece = self._pieces.get(token)
        if piece is None:
            piece = self.llm.detokenize([token], special=token in self._tag_tokens)
            self._pieces[token] = piece
        return piece

    def describe(self, tokens: Iterable[int]) -> list[TokenInfo]:
        import llama_cpp

        control = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL
        # A character can span tokens (CJK in byte-level BPE): each token's text is what it
        # completes, so the texts join to the prompt.
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        infos = []
        for t in tokens:
            raw = self.llm.detokenize([t], special=True)
            special = bool(llama_cpp.llama_vocab_get_attr(self.vocab, t) & control)
            infos.append(TokenInfo(t, decoder.decode(raw), special))
        if infos and (rest := decoder.decode(b"", final=True)):
            last = infos[-1]
            infos[-1] = TokenInfo(last.id, last.text + rest, last.special)
        return infos

    # -- prompt state (see prompt_state.py) -------------------------------------------
    def state_identity(self) -> dict[str, Any] | None:
        if self._identity is None:
            self._identity = _identity(self)
        return self._identity

    def cached_tokens(self) -> list[int]:
        return list(self.llm.eval_tokens)

    def evaluate(self, tokens: Sequence[int]) -> None:
        held = self.cached_tokens()
        if held != list(tokens[: len(held)]):
            self.llm.reset()  # it holds another prompt: start again from nothing
            held = []
        if len(tokens) > len(held):
            self.llm.eval(list(tokens[len(held) :]))

    def export_state(self) -> tuple[list[int], Any] | None:
        import ctypes

        import llama_cpp

        tokens = self.cached_tokens()
        if not tokens:
            return None
        ctx = self.llm.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, SEQUENCE)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_seq_get_data(ctx, buffer, size, SEQUENCE)
        if not 0 < written <= size:
            return None
        return tokens, memoryview(buffer)[:written]

    def import_state(self, tokens: Sequence[int], data: Any) -> bool:
        """Load a state exported for `tokens` (data: a writable buffer, e.g. bytearray).

        Only the sequence's keys and values are saved, not the logits, so the last token
        is dropped and evaluated again with the rest of the prompt. Llama.load_state is
        for whole-context states, and would also rewrite Llama's n_batch x n_vocab logits
        array (100 MB for the demo model) that nothing here reads: Llama is told which
        tokens it holds through the two fields a LlamaState carries for that (input_ids,
        n_tokens). tests/core/test_llama_api.py fails loudly if either goes away.
        """
        import ctypes

        import llama_cpp

        if not 1 < len(tokens) <= self._ids_size:
            return False
        ctx = self.llm.ctx
        self.llm.reset()
        buffer = (ctypes.c_uint8 * len(data)).from_buffer(data)
        if llama_cpp.llama_state_seq_set_data(ctx, buffer, len(data), SEQUENCE) != len(data):
            self.llm.reset()
            return False
        kept = len(tokens) - 1
        llama_cpp.llama_memory_seq_rm(llama_cpp.llama_get_memory(ctx), SEQUENCE, kept, -1)
        self.llm.input_ids[:kept] = tokens[:kept]
        self.llm.n_tokens = kept
        return True

    # -- generation ---------------------------------------------------------------
    def _generate(self, prompt: Prompt, sampling: Sampling) -> Iterator[str]:
        from llama_cpp import llama_vocab_is_eog as is_eog

        llm = self.llm
        vocab = self.vocab
        started = time.perf_counter()
        if prompt.states is not None:  # part of the prompt's evaluation, so inside TTFT
            prompt.states.restore(self, prompt)
        cached = common_prefix(self.cached_tokens(), prompt.tokens)
        if cached and cached == len(prompt.tokens):  # llama.cpp replays one to get logits
            cached -= 1
        self.stats = GenerationStats(
            prompt_tokens=prompt.used, evaluated_tokens=prompt.used - cached
        )
        room = min(sampling.max_tokens, self.n_ctx - prompt.used)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        generated: list[int] = []
        first_at = last_at = started
        completed = False
        self.stats.finish_reason = "length"
        tokens = llm.generate(
            prompt.tokens,
            temp=sampling.temperature,
            top_p=sampling.top_p,
            top_k=40,
            min_p=0.05,
            repeat_penalty=1.0,
        )
        try:
            for token in tokens:
                if not generated:
                    first_at = time.perf_counter()
                    self.stats.ttft_s = first_at - started
                if is_eog(vocab, token):
                    self.stats.finish_reason = "stop"
                    break
                last_at = time.perf_counter()
                generated.append(token)
                self.stats.completion_tokens = len(generated)
                text = decoder.decode(self._piece_bytes(token))
                if text:
                    yield text
                if len(generated) >= room:
                    break
            tail = decoder.decode(b"", final=True)
            completed = True
            if tail:
                yield tail
        except GeneratorExit:  # the reader stopped early: what was evaluated is still good
            completed = True
            raise
        finally:
            tokens.close()
            if completed and prompt.states is not None:
                prompt.states.keep(self)
            if len(generated) > 1 and last_at > first_at:
                self.stats.tokens_per_s = (len(generated) - 1) / (last_at - first_at)
            if generated:
                reply = llm.detokenize(generated).decode("utf-8", errors="replace")
                self._generated[reply] = generated


def _identity(engine: LlamaEngine) -> dict[str, Any]:
    """What a saved state is only valid for: this model file, this llama.cpp build and
    these context settings (a state from anything else is never loaded)."""
    import zlib
    from pathlib import Path

    import llama_cpp

    path = Path(engine.model_path).resolve()
    stat = path.stat()
    with open(path, "rb") as handle:
        head = zlib.crc32(handle.read(1 << 16))
    lib = Path(llama_cpp.__file__).parent / "lib"
    libs = (
        sorted(
            (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in lib.glob("*") if p.is_file()
        )
        if lib.is_dir()
        else []
    )
    return {
        "model": {
            "path": str(path),
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "head_crc": head,
        },
        "state": "llama_state_seq, sequence 0, last token dropped",
        "format": engine.prompt_format,
        "template": zlib.crc32((engine.template or "").encode()),
        "build": {
            "llama_cpp_python": getattr(llama_cpp, "__version__", ""),
            "system": llama_cpp.llama_print_system_info().decode(errors="replace"),
            "libs": libs,
            "plain_cpu_buffers": _extra_buffers_unsafe(),
        },
        "context": {
            "n_ctx": engine.n_ctx,
            "gpu_layers": engine.gpu_layers,
            "backend": engine.backend,
        },
    }
