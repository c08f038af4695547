"""Training samples as the SoulChat paper builds them, rendered with the base model's template.

Every counsellor (assistant) turn is a target whose input is the whole dialogue before it.
A dialogue that fits the cutoff is one sample in which every counsellor turn is trained.
A longer one becomes several samples, each ending at a counsellor turn and starting as
early as the cutoff allows (the oldest turns dropped, the system prompt kept, never cut
inside a turn); each counsellor turn is trained in exactly one of them, with at least half
the cutoff of context before it where the dialogue has that much.

The mask comes from rendering prefixes: the template's text for messages[:j] must be a
prefix of its text for messages[:j+1] (and, before an assistant turn, of the text with
the generation prompt). Each message's delta is split into template text before the
content, the content, and template text after it. Trained are a counsellor turn's content
and the template tokens after it up to and including the first special token (the
end-of-turn marker, so the model learns to stop); everything else is masked. Content is
tokenized with special-token parsing off (text is text), template text with it on.

Templates that re-render earlier turns differently (they break the prefix property) get one
sample per counsellor turn instead: the prompt up to the generation prompt, then the turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Message = dict[str, str]


class Tokenizer(Protocol):  # the part of a transformers tokenizer used here
    eos_token_id: int | None
    all_special_ids: list[int]

    def apply_chat_template(self, conversation: list[Message], **kw: Any) -> Any: ...
    def __call__(self, text: str, **kw: Any) -> Any: ...
    def decode(self, ids: list[int], **kw: Any) -> str: ...


class TemplateMismatch(Exception):
    """The chat template does not render a dialogue as a growing prefix."""


@dataclass
class Segment:
    ids: list[int]
    trained: bool
    message: int  # index of the message this text belongs to


@dataclass
class Sample:
    input_ids: list[int]
    trained: list[bool]
    dialogue: int

    @property
    def n_trained(self) -> int:
        return sum(self.trained)


@dataclass
class Stats:
    dialogues: int = 0
    samples: int = 0
    tokens: int = 0
    trained_tokens: int = 0
    targets: int = 0
    skipped_targets: int = 0  # a counsellor turn that cannot fit the cutoff with any context
    no_target: int = 0  # dialogues without a counsellor turn
    per_turn: int = 0  # dialogues built one sample per turn (template breaks prefixes)
    notes: list[str] = field(default_factory=list)


class Renderer:
    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tok = tokenizer
        self.specials = set(tokenizer.all_special_ids or [])
        if tokenizer.eos_token_id is not None:
            self.specials.add(tokenizer.eos_token_id)

    def render(self, messages: list[Message], generation_prompt: bool = False) -> str:
        if not messages:
            return ""
        return self.tok.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=generation_prompt
        )

    def ids(self, text: str, *, template: bool) -> list[int]:
        if not text:
            return []
        out = self.tok(text, add_special_tokens=False, split_special_tokens=not template)
        return list(out["input_ids"])

    def segments(self, messages: list[Message], train: set[int]) -> list[Segment]:
        """The dialogue as tokenized pieces; assistant turns in `train` are trained."""
        segs: list[Segment] = []
        prev = ""
        for j, msg in enumerate(messages):
            if msg["role"] == "assistant":
                head = self.render(messages[:j], generation_prompt=True)
                segs += self._template(_delta(prev, head), j)
                prev = head
            cur = self.render(messages[: j + 1])
            delta = _delta(prev, cur)
            content = msg["content"]
            at = delta.find(content)
            if at < 0 and content.strip():
                content = content.strip()
                at = delta.find(content)
            if at < 0:
                raise TemplateMismatch(f"the template changes the text of a {msg['role']} turn")
            segs += self._template(delta[:at], j)
            trained = msg["role"] == "assistant" and j in train
            segs.append(Segment(self.ids(content, template=False), trained, j))
            tail = self.ids(delta[at + len(content) :], template=True)
            if trained:
                segs += self._end_of_turn(tail, j)
            else:
                segs.append(Segment(tail, False, j))
            prev = cur
        return [s for s in segs if s.ids]

    def _template(self, text: str, message: int) -> list[Segment]:
        return [Segment(self.ids(text, template=True), False, message)]

    def _end_of_turn(self, tail: list[int], j: int) -> list[Segment]:
        """The template after a reply: trained up to and including its first special token."""
        stop = next((k + 1 for k, t in enumerate(tail) if t in self.specials), len(tail))
        return [Segment(tail[:stop], True, j), Segment(tail[stop:], False, j)]

    def turn_sample(self, messages: list[Message]) -> list[Segment] | None:
        """Fallback: the prompt as inference renders it (up to the generation prompt, masked),
        then the last turn's content and end-of-turn (trained); None if the content is not found."""
        head = self.render(messages[:-1], generation_prompt=True)
        full = self.render(messages)
        content = messages[-1]["content"]
        at = full.rfind(content)
        if at < 0 and content.strip():
            content = content.strip()
            at = full.rfind(content)
        if at < 0:
            return None
        j = len(messages) - 1
        before = full[len(head) : at] if full.startswith(head) and at >= len(head) else ""
        tail = self.ids(full[at + len(content) :], template=True)
        segs = [Segment(self.ids(head + before, template=True), False, 0)]
        segs += [Segment(self.ids(content, template=False), True, j), *self._end_of_turn(tail, j)]
        return [s for s in segs if s.ids]


def _delta(prev: str, cur: str) -> str:
    if not cur.startswith(prev):
        raise TemplateMismatch(
            "the template renders earlier turns differently as the dialogue grows"
        )
    return cur[len(prev) :]


def _sample(segs: list[Segment], dialogue: int) -> Sample:
    ids: list[int] = []
    trained: list[bool] = []
    for s in segs:
        ids += s.ids
        trained += [s.trained] * len(s.ids)
    return Sample(ids, trained, dialogue)


def clean(messages: list[Any]) -> list[Message]:
    """Plain dicts (from dicts or prompts.Message); turns after the last counsellor reply dropped."""
    out = [
        {"role": m["role"], "content": m["content"]}
        if isinstance(m, dict)
        else {"role": m.role, "content": m.content}
        for m in messages
    ]
    last = max((i for i, m in enumerate(out) if m["role"] == "assistant"), default=-1)
    return out[: last + 1]


def build_samples(
    dialogues: list[list[Any]], tokenizer: Tokenizer, cutoff: int
) -> tuple[list[Sample], Stats]:
    renderer = Renderer(tokenizer)
    stats = Stats(dialogues=len(dialogues))
    samples: list[Sample] = []
    for d, raw in enumerate(dialogues):
        msgs = clean(raw)
        targets = [i for i, m in enumerate(msgs) if m["role"] == "assistant"]
        if not targets:
            stats.no_target += 1
            continue
        stats.targets += len(targets)
        try:
            built = _dialogue_samples(renderer, msgs, targets, cutoff, stats)
        except TemplateMismatch:
            stats.per_turn += 1
            built = []
            for t in targets:
                segs = renderer.turn_sample(msgs[: t + 1])
                if segs and _length(segs) <= cutoff:
                    built.append(segs)
                else:
                    stats.skipped_targets += 1
        samples += [_sample(segs, d) for segs in built]
    for s in samples:
        stats.tokens += len(s.input_ids)
        stats.trained_tokens += s.n_trained
    stats.samples = len(samples)
    return samples, stats


def _length(segs: list[Segment]) -> int:
    return sum(len(s.ids) for s in segs)


def _dialogue_samples(
    r: Renderer, msgs: list[Message], targets: list[int], cutoff: int, stats: Stats
) -> list[list[Segment]]:
    segs = r.segments(msgs, set(targets))
    if _length(segs) <= cutoff:
        return [segs]
    n_sys = 1 if msgs[0]["role"] == "system" else 0
    # token count of each message in the full rendering, to choose windows (checked after)
    lengths = [0] * len(msgs)
    for s in segs:
        lengths[s.message] += len(s.ids)
    starts = [i for i in range(n_sys, len(msgs)) if msgs[i]["role"] == "user" or i == n_sys]
    system = msgs[:n_sys]
    sys_len = sum(lengths[:n_sys])
    out: list[list[Segment]] = []
    done = -1
    pending = list(targets)
    while pending:
        t = pending[0]
        first = done + 1 if done >= 0 else n_sys
        ends = [e for e in pending if e == t or sum(lengths[first : e + 1]) <= cutoff // 2]
        built = None
        while ends and built is None:
            e = ends.pop()
            for s in (s for s in starts if s < t and sys_len + sum(lengths[s : e + 1]) <= cutoff):
                window = system + msgs[s : e + 1]
                train = {n_sys + k - s for k in pending if k <= e}
                cand = r.segments(window, train)
                if _length(cand) <= cutoff:
                    built = (cand, e)
                    break
        if built is None:
            stats.skipped_targets += 1
            done = t
            pending.pop(0)
            continue
        out.append(built[0])
        done = built[1]
        pending = [k for k in pending if k > done]
    return out


def show(sample: Sample, tokenizer: Tokenizer) -> list[dict[str, Any]]:
    """The sample as runs of text, each trained or not (for --dry-run)."""
    runs: list[dict[str, Any]] = []
    start = 0
    for k in range(1, len(sample.input_ids) + 1):
        if k == len(sample.input_ids) or sample.trained[k] != sample.trained[start]:
            text = tokenizer.decode(sample.input_ids[start:k], skip_special_tokens=False)
            runs.append({"text": text, "trained": sample.trained[start]})
            start = k
    return runs
