"""The rule layer: explicit signals of risk, found clause by clause and composed per message.

Each lexicon signal (lexicon_zh, lexicon_en) is matched in every clause, every match counts.
A match is first person unless the nearest person word before it in its clause is someone
else. Modifiers act only inside the clause they are in:

- negation ("I'm not suicidal"), humour ("lol", "哈哈"), a trivial cause ("this bug", "考试"),
  fiction or news in a first-person clause, a benign purpose (camping, a prescription):
  an explicit signal is lowered to concern, never to none;
- someone else as the subject: the user is told about help for them (concern), and in a
  story or the news about someone else it is no signal at all.

Components (means, time, place, a decision, giving things away, "won't need them") count only
together; compose() says which combinations make a crisis.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from . import lexicon_en, lexicon_zh, normalize

_HAS_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HAS_LATIN = re.compile(r"[A-Za-z]")

# Components that, after risk earlier in the conversation, make a turn a crisis.
ESCALATORS = frozenset(
    {
        "means_access",
        "means_acquired",
        "method",
        "give",
        "final",
        "no_return",
        "od_taken",
        "resolve",
        "place",
        "euphemism",
        # stop 17
        "secret",
        "chance",
        "calm",
        "comfort",
        "tidy",
        "traces",
        "last_time",
        "dont_stop",
        "stupid",
        "courage",
        "evade",
        "chosen",
        "alone_window",
        "love_said",
        "letter",
        "goodbye",
        "bye",  # zh 再见了 said with finality: only after distress
    }
)


@dataclass(frozen=True)
class Signal:
    name: str  # lexicon id, e.g. "wish"
    lang: str  # "zh" | "en"
    kind: str  # "crisis" | "concern" | "component" | "dismissed" (not the writer's)
    tag: str = ""  # the modifier that lowered it: negated, joking, hyperbole, story, benign, other

    @property
    def reason(self) -> str:
        base = f"{self.lang}.{self.name}"
        return f"{base}:{self.tag}" if self.tag else base


@dataclass(frozen=True)
class RuleResult:
    risk: str
    reasons: tuple[str, ...]
    components: frozenset[str]  # untagged first-person components (for the conversation)
    safe: bool  # the person says they reached help or are with someone
    field: bool  # any word of risk in the broad sense (lexicon FIELD)
    # a signal's words were there but not the writer's: a device that "dies", someone
    # else in a story or the news
    dismissed: bool = False

    @property
    def signal(self) -> bool:
        """Whether the rules found anything at all, a reason or a component. (A bare time or
        place counts: leaving them out, stop 16, cost English crisis recall on validation
        and on the unseen split alike.)"""
        return bool(self.reasons or self.components)


@dataclass(frozen=True)
class _Lang:
    code: str
    signals: tuple[tuple[str, str, re.Pattern[str]], ...]
    self_words: re.Pattern[str]
    other_words: re.Pattern[str]
    object_mark: re.Pattern[str] | None
    things: re.Pattern[str]
    field: re.Pattern[str]
    negation: re.Pattern[str]
    negation_undo: re.Pattern[str] | None
    humour: re.Pattern[str]
    earnest: re.Pattern[str]
    story: re.Pattern[str]
    helping: re.Pattern[str]
    trivial: re.Pattern[str]
    benign: re.Pattern[str]
    recovered: re.Pattern[str]
    safe: re.Pattern[str]
    clause_break: re.Pattern[str]


def _build(code: str, lex: ModuleType) -> _Lang:
    c = re.compile
    return _Lang(
        code=code,
        signals=tuple((name, kind, c(pattern)) for name, kind, pattern in lex.SIGNALS),
        self_words=c(f"(?:{lex.SELF})"),
        other_words=c(f"(?:{lex.OTHER})"),
        object_mark=c(lex.OBJECT_MARK) if getattr(lex, "OBJECT_MARK", None) else None,
        things=c(f"(?:{lex.THINGS})"),
        field=c(lex.FIELD),
        negation=c(lex.NEGATION),
        negation_undo=c(lex.NEGATION_UNDO) if hasattr(lex, "NEGATION_UNDO") else None,
        humour=c(lex.HUMOUR),
        earnest=c(lex.EARNEST),
        story=c(lex.STORY),
        helping=c(lex.HELPING),
        trivial=c(lex.TRIVIAL),
        benign=c(lex.BENIGN),
        recovered=c(lex.RECOVERED),
        safe=c(lex.SAFE),
        clause_break=c(lex.CLAUSE_BREAK),
    )


@cache
def _languages() -> tuple[_Lang, _Lang]:
    """Compiled on first use, so importing the package stays cheap."""
    return _build("zh", lexicon_zh), _build("en", lexicon_en)


def _subject(lang: _Lang, prefix: str, matched: str) -> str:
    """'self', 'other' or 'thing': the last person word (or device, plant, ...) before the
    match in its clause decides; without one the writer is the subject (Chinese drops the
    pronoun, so does chat English)."""
    if lang.self_words.search(matched):
        return "self"
    last_self = max((m.end() for m in lang.self_words.finditer(prefix)), default=-1)
    last_other = max(
        (m.end() for m in lang.other_words.finditer(prefix) if not _object(lang, prefix, m.start())),
        default=-1,
    )
    last_thing = max((m.end() for m in lang.things.finditer(prefix)), default=-1)
    if last_thing > max(last_self, last_other):
        return "thing"  # "my battery is about to die"
    return "other" if last_other > last_self else "self"


def _object(lang: _Lang, prefix: str, start: int) -> bool:
    return bool(lang.object_mark and lang.object_mark.search(prefix[max(0, start - 3) : start]))


def _negated(lang: _Lang, prefix: str) -> bool:
    tail = prefix[-6:] if lang.code == "zh" else prefix
    if not lang.negation.search(tail):
        return False
    return not (lang.negation_undo and lang.negation_undo.search(prefix))


def _clauses(lang: _Lang, text: str) -> list[tuple[int, int]]:
    """(start, end) of every clause."""
    spans, start = [], 0
    for match in lang.clause_break.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _clause_of(spans: list[tuple[int, int]], starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(starts, pos) - 1)


CONTEXT = 200


# Signals that, in a message asking how to help someone, are most likely that person's words.
_HELPED = frozenset({"wish", "not_live", "suicidal", "farewell", "burden"})


def _other_nearby(
    lang: _Lang, text: str, spans: list[tuple[int, int]], i: int, clause: str
) -> bool:
    """Someone else named in the match's clause or the one before it."""
    before = text[spans[i - 1][0] : spans[i - 1][1]] if i > 0 else ""
    return bool(lang.other_words.search(clause) or lang.other_words.search(before[-CONTEXT:]))


def _benign(lang: _Lang, clause: str, matched: str) -> bool:
    """A benign setting in the clause, outside the match itself ("walk into the sea" is not a
    walk)."""
    return bool(lang.benign.search(clause.replace(matched, " ", 1)))


def _clause_signals(lang: _Lang, text: str) -> list[Signal]:
    """Every match of every signal, with the modifier of its clause. Patterns run on the whole
    text (a few, like "没有我，大家都会轻松", span a comma); the clause is where a match starts."""
    spans = _clauses(lang, text)
    if not spans:
        return []
    starts = [a for a, _ in spans]
    earnest = bool(lang.earnest.search(text))
    benign_message = bool(lang.benign.search(text))
    helping = bool(lang.helping.search(text))
    found: list[Signal] = []
    for name, kind, pattern in lang.signals:
        for match in pattern.finditer(text):
            i = _clause_of(spans, starts, match.start())
            a, b = spans[i]
            # A clause is read at most CONTEXT characters either side of the match: text
            # typed without punctuation is one "clause", and reading all of it for every
            # match made a long paste quadratic (40 KB took 40 s).
            a = max(a, match.start() - CONTEXT)
            clause = text[a : min(max(b, match.end()), match.end() + CONTEXT)]
            prefix = text[a : match.start()]
            next_a, next_b = spans[i + 1] if i + 1 < len(spans) else (0, 0)
            laugh_next = next_b - next_a <= 24 and lang.humour.fullmatch(
                text[next_a:next_b].strip()
            )
            joking = (bool(lang.humour.search(clause)) or bool(laugh_next)) and not earnest
            story = bool(lang.story.search(clause))
            if kind == "dismissed":
                found.append(Signal(name, lang.code, "dismissed"))
                continue
            subject = _subject(lang, prefix, match.group())
            if subject == "thing" and kind != "component":
                found.append(Signal(name, lang.code, "dismissed", "thing"))
                continue
            if subject == "thing":
                subject = "self"  # a detail beside a device ("in the trunk of my car")
            if subject == "other":
                if not (story or kind == "component"):
                    found.append(Signal(name, lang.code, "concern", "other"))
                elif kind != "component":
                    found.append(Signal(name, lang.code, "dismissed", "story"))
                continue  # someone else's story, or a detail about someone else
            tag = ""
            if _negated(lang, prefix):
                tag = "negated"
            elif story:
                tag = "story"
            elif joking:
                tag = "joking"
            elif lang.trivial.search(clause) and name in ("wish", "not_live", "suicidal"):
                tag = "hyperbole"
            elif _benign(lang, clause, match.group()) or (kind == "component" and benign_message):
                tag = "benign"
            elif helping and name in _HELPED and _other_nearby(lang, text, spans, i, clause):
                tag = "other"  # "my friend says she wants to die, what do I do"
            if kind == "component" and tag:
                continue  # a weak detail with a reason not to read it as risk
            if kind == "concern" and tag in ("negated", "story"):
                continue  # "I'm not hopeless", a sad film
            if kind == "crisis" and name == "attempt" and lang.recovered.search(text):
                tag = tag or "recovered"
            found.append(Signal(name, lang.code, "concern" if tag else kind, tag))
    return found


def compose(counts: Counter[str], concerns: int) -> list[str]:
    """Which combinations of components are a crisis; returns their reasons. counts: how
    many times each component matched."""
    c = set(counts)
    euphemisms, tidies = counts["euphemism"], counts["tidy"]
    out: list[str] = []
    if "od_taken" in c and c & {"symptom", "thanks"}:
        out.append("od_taken+" + "+".join(sorted(c & {"symptom", "thanks"})))
    farewell = c & {"thanks", "apology", "final", "give", "letter"}
    if "goodbye" in c and farewell:
        out.append("goodbye+" + "+".join(sorted(farewell)))
    if "give" in c and "final" in c:
        out.append("give+final")
    if "no_return" in c and c & {"resolve", "time", "place", "method", "last_time"}:
        out.append("no_return+plan")
    if "method" in c and c & {"time", "resolve", "place"}:
        out.append("method+plan")
    if c & {"means_acquired", "means_access"} and (
        c & {"resolve", "time", "euphemism"} or concerns
    ):
        out.append("means+plan")
    if "euphemism" in c and (concerns or euphemisms > 1 or len(c - {"euphemism", "time"}) > 0):
        out.append("euphemism+distress")
    if "apology" in c and (concerns or c & {"letter", "euphemism", "final", "give"}):
        out.append("apology+distress")
    if {"resolve", "time", "place"} <= c:
        out.append("resolve+time+place")
    means = c & {"means_acquired", "means_access"}
    if means and c & {"secret", "place", "chosen", "alone_window"}:
        out.append("means+" + "+".join(sorted(c & {"secret", "place", "chosen", "alone_window"})))
    preparing = c & {"letter", "give", "resolve", "final", "goodbye", "tidy", "means_acquired"}
    if "calm" in c and preparing:
        out.append("calm+" + "+".join(sorted(preparing)))
    if "tidy" in c and c & {"letter", "final", "goodbye", "love_said"}:
        out.append("tidy+" + "+".join(sorted(c & {"letter", "final", "goodbye", "love_said"})))
    if "last_time" in c and c & {"final", "goodbye", "give", "letter", "love_said"}:
        out.append("last_time+" + "+".join(sorted(c & {"final", "goodbye", "give", "letter", "love_said"})))
    if "love_said" in c and c & {"apology", "letter", "euphemism"}:
        out.append("love_said+" + "+".join(sorted(c & {"apology", "letter", "euphemism"})))
    if "chosen" in c and c & {"place", "method", "resolve", "alone_window", "evade"}:
        out.append("chosen+plan")
    if "alone_window" in c and c & {"resolve", "method", "euphemism"}:
        out.append("alone_window+plan")
    if means and "comfort" in c:
        out.append("means+comfort")
    leaving = c & {"thanks", "tidy", "give", "letter", "goodbye", "final", "apology", "euphemism"}
    if "traces" in c and leaving:
        out.append("traces+" + "+".join(sorted(leaving)))
    if "dont_stop" in c and c & {"resolve", "method", "time", "euphemism"}:
        out.append("dont_stop+plan")
    if "tidy" in c and "apology" in c:
        out.append("tidy+apology")
    if "courage" in c and (c & {"means_acquired", "means_access", "method", "resolve"} or concerns):
        out.append("courage+plan")
    if means and "evade" in c:
        out.append("means+evade")
    if "chance" in c and c & {"alone_window", "euphemism", "resolve", "place", "method"}:
        out.append("chance+plan")
    if "stupid" in c and (c & {"time", "means_acquired", "means_access", "method", "resolve"} or concerns):
        out.append("stupid+plan")
    if "tidy" in c and ("secret" in c or tidies > 2):
        out.append("tidy+secret" if "secret" in c else "tidy+tidy+tidy")
    if {"means_acquired", "means_access"} <= c:
        out.append("means_acquired+means_access")
    if "letter" in c and "final" in c:
        out.append("letter+final")
    # a decision with one final word is too often a job or a move ("decided to quit, last day")
    if {"resolve", "final"} <= c and (counts["final"] > 1 or c & {"thanks", "give", "letter"}):
        out.append("resolve+final")
    if "leaving_now" in c and c & {"final", "apology", "give"}:
        out.append("leaving_now+" + "+".join(sorted(c & {"final", "apology", "give"})))
    for part in ("give", "traces"):
        if counts[part] > 1:
            out.append(f"{part}+{part}")
    return out


def assess_rules(text: str) -> RuleResult:
    """The rule layer's verdict for one message."""
    zh, en = _languages()
    # each lexicon only where its script is present (a mixed message gets both)
    zh_text = normalize.chinese(text) if _HAS_CJK.search(text) else ""
    en_text = normalize.english(text) if _HAS_LATIN.search(text) else ""
    signals = _clause_signals(zh, zh_text) + _clause_signals(en, en_text)
    counts = Counter(s.name for s in signals if s.kind == "component")
    components = set(counts)
    concerns = sum(1 for s in signals if s.kind in ("concern", "crisis"))
    combos = compose(counts, concerns)
    lonely = components & {"od_taken", "means_acquired", "means_access", "euphemism", "no_return"}
    risk = "none"
    if any(s.kind == "crisis" for s in signals) or combos:
        risk = "crisis"
    elif concerns or lonely:
        risk = "concern"
    reasons = [s.reason for s in signals if s.kind in ("crisis", "concern")] + [
        f"rule.{c}" for c in combos
    ]
    if risk == "concern" and not reasons:
        reasons = [f"component.{name}" for name in sorted(lonely)]
    safe = bool(zh.safe.search(zh_text) or en.safe.search(en_text))
    field = bool(zh.field.search(zh_text) or en.field.search(en_text))
    dismissed = any(s.kind == "dismissed" for s in signals)
    return RuleResult(
        risk, tuple(dict.fromkeys(reasons)), frozenset(components), safe, field, dismissed
    )
