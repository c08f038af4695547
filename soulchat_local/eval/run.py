"""Generating every counsellor turn of held-out dialogues and scoring the replies.

Each counsellor (assistant) turn of each dialogue is a target: the model is given the
dialogue exactly as it went up to that turn (its own system prompt if it has one, no
persona added) and replies greedily, at most `max_tokens` tokens. The replies are scored
against the real turns with metrics.py. Targets run dialogue by dialogue, so consecutive
prompts share their prefix and llama.cpp reuses its cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..config import Sampling
from ..corpus import Dialogue
from ..engine import Engine
from ..errors import UserError
from ..prompts import Message
from .metrics import METRICS, diversity, score


@dataclass(frozen=True)
class Target:
    dialogue: str  # the dialogue's id
    turn: int  # index of the counsellor message in the dialogue
    context: list[Message]
    reference: str


@dataclass
class ModelResult:
    name: str
    path: str
    replies: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    completion_tokens: int = 0
    seconds: float = 0.0  # generation time, prompts included, loading excluded
    length_stops: int = 0  # replies cut at max_tokens
    dropped_turns: int = 0  # messages left out because a context did not fit n_ctx
    too_long: int = 0  # targets whose context could not fit at all (empty reply)

    @property
    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds > 0 else 0.0


def collect_targets(dialogues: Sequence[Dialogue]) -> list[Target]:
    targets = []
    for dialogue in dialogues:
        for context, reply in dialogue.targets():
            targets.append(Target(dialogue.id, len(context), context, reply.content))
    return targets


def greedy(max_tokens: int) -> Sampling:
    return Sampling(temperature=0.0, top_p=1.0, max_tokens=max_tokens)


def run_model(
    engine: Engine,
    targets: Sequence[Target],
    max_tokens: int,
    *,
    path: str = "",
    on_reply: Callable[[], None] | None = None,
) -> ModelResult:
    """Generate a reply for every target with `engine` and score them."""
    sampling = greedy(max_tokens)
    result = ModelResult(engine.name, path)
    for target in targets:
        started = time.perf_counter()
        try:
            prompt = engine.build_prompt(target.context, max_tokens)
        except UserError:
            result.too_long += 1
            result.replies.append("")
            continue
        # a reply cut at max_tokens can end inside a character: drop the replacement mark
        reply = "".join(engine.stream(prompt, sampling)).rstrip("\ufffd").strip()
        result.seconds += time.perf_counter() - started
        result.replies.append(reply)
        result.completion_tokens += engine.stats.completion_tokens
        result.length_stops += engine.stats.finish_reason == "length"
        result.dropped_turns += prompt.dropped_turns
        if on_reply:
            on_reply()
    result.scores = score(result.replies, [t.reference for t in targets])
    return result


def deltas(results: Sequence[ModelResult]) -> list[dict[str, object]]:
    """Each model after the first against the first: its score minus the first's."""
    if len(results) < 2:
        return []
    first = results[0]
    return [
        {
            "model": other.name,
            "baseline": first.name,
            "scores": {k: other.scores[k] - first.scores[k] for k in METRICS},
        }
        for other in results[1:]
    ]


def report(
    data: str,
    dialogues: int,
    bad_records: int,
    targets: Sequence[Target],
    results: Sequence[ModelResult],
    max_tokens: int,
) -> dict[str, object]:
    """The object `soulchat eval --json` prints (documented in README)."""
    return {
        "data": data,
        "dialogues": dialogues,
        "bad_records": bad_records,
        "max_tokens": max_tokens,
        "targets": [{"dialogue": t.dialogue, "turn": t.turn} for t in targets],
        "reference": _rounded(diversity([t.reference for t in targets])),
        "models": [
            {
                "name": r.name,
                "path": r.path,
                "scores": _rounded(r.scores),
                "completion_tokens": r.completion_tokens,
                "seconds": round(r.seconds, 3),
                "tokens_per_s": round(r.tokens_per_s, 2),
                "length_stops": r.length_stops,
                "dropped_turns": r.dropped_turns,
                "too_long": r.too_long,
                "replies": r.replies,
            }
            for r in results
        ],
        "deltas": [
            {**d, "scores": _rounded(d["scores"])}  # type: ignore[arg-type]
            for d in deltas(results)
        ],
    }


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in scores.items()}
