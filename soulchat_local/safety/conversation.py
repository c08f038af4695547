"""A turn judged with the user turns before it.

- Risk said earlier does not vanish because the next message sounds mild: after a crisis the
  verdict stays crisis while the crisis is inside the WINDOW of recent user turns (until
  stop 17 only for 3 turns, then concern: a crisis-line counsellor keeps the risk in view
  until the person says they are safe), and for HOLD turns after distress (concern) it is
  at least concern.
- It eases when the person says they are safe now (reached a line, a doctor, someone is with
  them): after that a past crisis keeps the verdict at concern, not crisis. The turn's own
  signals still count ("I'm at my sister's but I still want to die" is a crisis).
- After distress (concern or crisis earlier), a turn with a means, a plan, giving things away
  or a veiled farewell (rules.ESCALATORS) is a crisis even if it reads as mild on its own
  ("I found where my dad keeps the pills").
- A means, a preparation or a farewell (HELD) stays in view for the rest of the window: with
  distress in another turn, the turns after it are a crisis too, however mild ("I've still
  got her tablets", then "do they lock the cemetery gates at night"). Until stop 18 only
  the turn that named it was.
- The last TOGETHER turns are also read as one text: risk that no single turn states ("so
  tired of all this" · "saved up the sleeping pills" · "house is empty saturday") is read
  the way the rules and the classifier read a post.
"""

from __future__ import annotations

from collections.abc import Sequence

from .assessor import CONCERN_AT, CRISIS_AT, RANK, Assessment, Judged, judge
from .features import language

WINDOW = 8
HOLD = 3  # turns after a concern that are at least concern
TOGETHER = 4  # the last turns read as one text
JOINED_CHARS = 1000
# The escalators that stay in view for the rest of the window (rules.ESCALATORS has weaker
# ones too, a place or a resolve, that count only in the turn that says them).
HELD = frozenset(
    {
        "means_access",
        "means_acquired",
        "method",
        "od_taken",
        "give",
        "final",
        "no_return",
        "letter",
        "goodbye",
        "traces",
        "chosen",
        "secret",
        "evade",
    }
)
_JOIN = {"zh": "。", "en": ". "}


def _raise(current: Assessment, risk: str, reason: str, score: float) -> Assessment:
    if RANK[risk] <= RANK[current.risk]:
        return current
    return Assessment(risk, (*current.reasons, reason), round(max(current.score, score), 3))


def assess_turns(
    user_turns: Sequence[str], model: object = True, encoder: object = True
) -> Assessment:
    """Risk for the last of a conversation's user turns (oldest first), judged with the
    recent ones before it. model, encoder: as for assessor.judge (evaluation passes its own)."""
    turns = list(user_turns)[-WINDOW:]
    if not turns:
        return Assessment("none")
    judged: list[Judged] = [judge(t, model, encoder) for t in turns]  # type: ignore[arg-type]
    # Each earlier turn as it was judged when it was sent, with the turns before it: a
    # crisis the context raised then is not forgotten later (until stop 19 only the turn's
    # own verdict was kept, so a crisis shown at turn 2 could be none at turn 4).
    shown: list[Assessment] = []
    for i in range(len(turns)):
        shown.append(_in_context(judged[: i + 1], turns[: i + 1], shown, model))
    return shown[-1]


def _in_context(
    judged: list[Judged], turns: list[str], shown: list[Assessment], model: object
) -> Assessment:
    """The last turn's verdict; shown: the earlier turns' verdicts in their context."""
    from .rules import ESCALATORS

    last = judged[-1]
    result = last.assessment
    earlier = judged[:-1]
    # a crisis that was carried (context.earlier_crisis) does not carry itself on, or it
    # would never leave the window
    crisis_at = [
        i for i, a in enumerate(shown)
        if a.risk == "crisis" and a.reasons[-1:] != ("context.earlier_crisis",)
    ]
    escalates = bool(last.rules.components & ESCALATORS)
    if crisis_at:
        i = crisis_at[-1]
        since = len(judged) - 1 - i
        safe = any(j.rules.safe for j in judged[i + 1 :])
        carried = shown[i].score * 0.97**since
        if safe:
            if result.risk != "none":
                return Assessment(result.risk, (*result.reasons, "context.safe_now"), result.score)
            return _raise(result, "concern", "context.safe_now", CONCERN_AT)
        return _raise(result, "crisis", "context.earlier_crisis", max(CRISIS_AT, carried))
    concern_at = [i for i, j in enumerate(earlier) if j.assessment.risk == "concern"]
    if escalates and concern_at:
        return _raise(result, "crisis", "context.plan_after_distress", CRISIS_AT)
    result = _in_view(result, judged, turns, model)
    if concern_at and len(judged) - 1 - concern_at[-1] <= HOLD:
        return _raise(result, "concern", "context.earlier_distress", CONCERN_AT)
    return result


def _in_view(
    result: Assessment, judged: list[Judged], turns: list[str], model: object
) -> Assessment:
    """A held means or preparation with distress in another turn, or the last turns read
    together: a crisis unless the person has since said they are safe."""
    if result.risk == "crisis" or len(turns) < 2:
        return result
    held = [i for i, j in enumerate(judged) if j.rules.components & HELD]
    if held:
        i = held[-1]
        distress = any(j.assessment.risk != "none" for k, j in enumerate(judged) if k != i)
        if distress and not any(j.rules.safe for j in judged[i:]):
            return _raise(result, "crisis", "context.plan_in_window", CRISIS_AT)
    recent = judged[-TOGETHER:]
    if any(j.rules.safe for j in recent):
        return result
    # each turn's last JOINED_CHARS: four long pastes read again as one would take seconds
    text = _JOIN[language(turns[-1])].join(t.strip()[-JOINED_CHARS:] for t in turns[-TOGETHER:])
    # without the encoder: four turns are hundreds of tokens, and it has read each turn
    together = judge(text, model, encoder=False).assessment  # type: ignore[arg-type]
    ruled = any(not r.startswith("model.") for r in together.reasons)
    distressed = sum(j.assessment.risk != "none" for j in recent)
    if together.risk == "crisis" and (ruled or distressed >= 2):
        return _raise(result, "crisis", "context.together", together.score)
    return result
