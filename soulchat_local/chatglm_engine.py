"""The engine that runs a ChatGLM-6B (SoulChat v1) model file through chatglm.cpp.

chatglm.cpp's Python binding (the `v1` extra: chatglm-cpp) gives a SentencePiece
tokenizer and `generate_next_token`, which this engine calls once per token so that it
can stream, stop between any two tokens and count and time everything itself.

GLM v1 reads the prompt as one bidirectional block ending in [gMASK] <sop>, with the
reply's positions counted from the [gMASK]; so every turn evaluates the whole prompt
(no prefix of an earlier turn's state can be reused), and that is what the stats say.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence

from .chatglm_file import check_chatglm
from .config import ModelSettings, Sampling
from .engine import Engine, GenerationStats, Prompt, TokenInfo
from .errors import UserError
from .prompts import Message, Segment, render
from .resolve import ModelRef

INSTALL_V1 = (
    "SoulChat v1 (ChatGLM-6B) models run in chatglm.cpp, the `v1` extra: "
    "`CMAKE_POLICY_VERSION_MINIMUM=3.5 pipx inject soulchat-local chatglm-cpp` "
    "(pip: `pip install 'soulchat-local[v1]'`); it compiles for several minutes"
)
# Pieces the tokenizer matches in raw text that are not text: GLM's markers. <n>, <|tab|>
# and <|blank_N|> stand for newline, tab and runs of spaces (chatglm.cpp writes them for
# the real characters); typed literally they must stay the characters typed.
_GLM_MARKERS = ("[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>")
_USER_DEFINED, _CONTROL, _UNKNOWN = 4, 3, 2
# chatglm.cpp's decode turns ",", "!", ":", ";", "?" next to a CJK character into full-width
# forms, so a last such character depends on the next token and is held back, as are the
# replacement characters of a UTF-8 sequence whose bytes have not all come.
_UNSETTLED = (",", "!", ":", ";", "?")


def open_pipeline(path: str, max_length: int):  # noqa: ANN201 - chatglm_cpp.Pipeline
    try:
        import chatglm_cpp
    except ImportError as exc:
        raise UserError(INSTALL_V1) from exc
    try:
        return chatglm_cpp.Pipeline(path, max_length=max_length)
    except RuntimeError as exc:
        raise UserError(f"chatglm.cpp could not load {path}: {exc}") from exc


class ChatGLMEngine(Engine):
    backend = "CPU"

    def __init__(self, model: ModelRef, settings: ModelSettings, *, n_ctx: int | None = None):
        super().__init__()
        info = check_chatglm(model.path)  # never hand chatglm.cpp a file that can crash it
        from .convert import sentencepiece_model

        self.name = model.name
        # "gguf" means "the model's own format"; a ChatGLM-6B file carries none, and the
        # models this program converts to it are SoulChat v1.
        self.prompt_format = "soulchat-v1" if model.prompt_format == "gguf" else model.prompt_format
        self.n_ctx = min(n_ctx or settings.n_ctx, info.context_length)
        self.pipeline = open_pipeline(str(model.path), self.n_ctx)
        self.model = self.pipeline.model
        self.tokenizer = self.pipeline.tokenizer
        self.threads = _chatglm_threads()
        vocab = sentencepiece_model.parse(info.tokenizer_proto)
        self.pieces = vocab.pieces
        self.special_ids = {
            i
            for i, (piece, kind) in enumerate(zip(vocab.pieces, vocab.types, strict=True))
            if kind in (_CONTROL, _UNKNOWN) or piece in _GLM_MARKERS
        }
        self.markers = tuple(
            p for p, kind in zip(vocab.pieces, vocab.types, strict=True) if kind == _USER_DEFINED
        )
        config = self.model.config
        self.eos_ids = {config.eos_token_id, *config.extra_eos_token_ids}
        self._tail = self._encode("")  # what encode appends: [gMASK] <sop>
        self._joint = self._encode("<n>")[: -len(self._tail)]  # the prefix a later chunk drops

    def close(self) -> None:
        self.pipeline = self.model = self.tokenizer = None

    # -- prompts ------------------------------------------------------------------
    def render(self, messages: Sequence[Message]) -> list[Segment]:
        return render(self.prompt_format, messages)

    def _encode(self, text: str) -> list[int]:
        return list(self.tokenizer.encode(text, 1 << 30))

    def tokenize(self, segments: Sequence[Segment]) -> list[int]:
        """The prompt's ids, ending in [gMASK] <sop> as ChatGLM-6B expects.

        The text is encoded whole, as the model saw it in training, unless what a person
        or the model wrote contains marker text such as "<eop>": then the text is cut
        right after the marker's first character, so the tokenizer cannot match it.
        """
        chunks, current = [], ""
        for segment in segments:
            text = segment.text
            while segment.literal and (cut := self._first_marker(text)) >= 0:
                chunks.append(current + text[: cut + 1])
                current, text = "", text[cut + 1 :]
            current += text
        chunks.append(current)
        tokens: list[int] = []
        for index, chunk in enumerate(chunks):
            tokens += self._encode_chunk(chunk, first=index == 0)
        return tokens + self._tail

    def _first_marker(self, text: str) -> int:
        found = [at for marker in self.markers if (at := text.find(marker)) >= 0]
        return min(found) if found else -1

    def _encode_chunk(self, text: str, *, first: bool) -> list[int]:
        if first:
            return self._encode(text)[: -len(self._tail)]
        if not text:
            return []
        # The tokenizer puts a word-start marker before every text it is given; a later
        # chunk continues the text, so it is encoded after "<n>" and that prefix dropped.
        ids = self._encode("<n>" + text)[: -len(self._tail)]
        if ids[: len(self._joint)] == self._joint:
            return ids[len(self._joint) :]
        return self._encode(text)[: -len(self._tail)]

    def describe(self, tokens: Iterable[int]) -> list[TokenInfo]:
        out = []
        for t in tokens:
            special = t in self.special_ids
            text = (
                self.pieces[t] if special or t >= len(self.pieces) else self.tokenizer.decode([t])
            )
            out.append(TokenInfo(t, text, special))
        return out

    # -- generation ---------------------------------------------------------------
    def _generate(self, prompt: Prompt, sampling: Sampling) -> Iterator[str]:
        import chatglm_cpp

        room = min(sampling.max_tokens, self.n_ctx - prompt.used)
        self.stats = GenerationStats(
            prompt_tokens=prompt.used, evaluated_tokens=prompt.used, finish_reason="length"
        )
        config = chatglm_cpp._C.GenerationConfig(
            max_length=self.n_ctx,
            max_new_tokens=max(room, 1),
            max_context_length=self.n_ctx,
            do_sample=sampling.temperature > 0,
            top_k=0,
            top_p=sampling.top_p,
            temperature=max(sampling.temperature, 1e-5),
            repetition_penalty=1.0,
        )
        ids = list(prompt.tokens)
        n_ctx = len(ids)  # chatglm.cpp counts the reply's positions from the prompt's end
        n_past = 0
        generated: list[int] = []
        shown = ""
        started = time.perf_counter()
        first_at = last_at = started
        try:
            while len(generated) < room:
                # chatglm-cpp 0.4.2: (input ids, image, config, tokens already in the cache,
                # prompt length)
                token = self.model.generate_next_token(ids, None, config, n_past, n_ctx)
                now = time.perf_counter()
                if not generated:
                    first_at = now
                    self.stats.ttft_s = now - started
                if token in self.eos_ids:
                    self.stats.finish_reason = "stop"
                    break
                last_at = now
                n_past = len(ids)
                ids.append(token)
                generated.append(token)
                self.stats.completion_tokens = len(generated)
                settled = self.tokenizer.decode(generated).rstrip("\ufffd")
                if settled.endswith(_UNSETTLED):
                    settled = settled[:-1]
                if len(settled) > len(shown) and settled.startswith(shown):
                    yield settled[len(shown) :]
                    shown = settled
            text = self.tokenizer.decode(generated) if generated else ""
            if text.startswith(shown) and len(text) > len(shown):
                yield text[len(shown) :]
        finally:
            if len(generated) > 1 and last_at > first_at:
                self.stats.tokens_per_s = (len(generated) - 1) / (last_at - first_at)


def _chatglm_threads() -> int:
    """The CPU threads chatglm.cpp computes with (it picks them itself: half the logical
    cores above four, as its get_num_physical_cores does)."""
    import os

    n = os.cpu_count() or 4
    return n if n <= 4 else n // 2
