"""assess(text): a fast, deterministic keyword-and-pattern risk detector.

It reads one user message and says "none", "concern" or "crisis", with the ids of the
patterns that decided it. Decisions documented in README "Crisis support":

- Negated risk ("I'm not suicidal", "我没有想自杀", "我不会想不开的") is lowered from crisis to
  concern, not to none: people often play down what they feel, and a gentle check-in with
  resources costs little. Negated concern cues are dropped.
- Someone else at risk ("my friend says she wants to die, how do I help?", "我同学说想自杀")
  is concern: the user gets the resources (the friend may need them) and the model is told
  to take it seriously, without treating the user as the one in danger.
- Talk about a film, book, game, the news or prevention work ("这部电影里主角跳楼了",
  "a report on suicide prevention") is none unless the same clause is in the first person.
- Idioms that use death words as intensifiers (笑死我了, 累死了, 想死你了, "dying to see it",
  "this commute is killing me") never match: the patterns need a wish, plan, means or
  first-person act, not the word 死 / "die" / "kill" on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import normalize
from . import patterns as p

RISKS = ("none", "concern", "crisis")
_RANK = {risk: i for i, risk in enumerate(RISKS)}


@dataclass(frozen=True)
class Assessment:
    risk: str
    reasons: tuple[str, ...] = ()
    score: float = 0.0


@dataclass
class _Hit:
    rule: p.Rule
    level: str
    tag: str = ""

    @property
    def reason(self) -> str:
        return f"{self.rule.id}:{self.tag}" if self.tag else self.rule.id


@dataclass(frozen=True)
class _Lang:
    rules: tuple[p.Rule, ...]
    self_words: re.Pattern[str]
    other_words: re.Pattern[str]
    topic: re.Pattern[str]
    help: re.Pattern[str]
    means: re.Pattern[str]
    benign: re.Pattern[str]

    def clause_start(self, text: str, pos: int) -> int:
        raise NotImplementedError

    def negated(self, prefix: str) -> bool:
        raise NotImplementedError


class _Chinese(_Lang):
    def clause_start(self, text: str, pos: int) -> int:
        return text.rfind("|", 0, pos) + 1

    def negated(self, prefix: str) -> bool:
        return bool(p.ZH_NEGATION.search(prefix[-5:]))


class _English(_Lang):
    def clause_start(self, text: str, pos: int) -> int:
        start = 0
        for match in p.EN_CLAUSE_BREAK.finditer(text, 0, pos):
            start = match.end()
        return start

    def negated(self, prefix: str) -> bool:
        return bool(p.EN_NEGATION.search(prefix)) and not p.EN_NEGATION_UNDO.search(prefix)


_ZH = _Chinese(p.ZH, p.ZH_SELF, p.ZH_OTHER, p.ZH_TOPIC, p.ZH_HELP, p.ZH_MEANS_WORD, p.ZH_BENIGN)
_EN = _English(p.EN, p.EN_SELF, p.EN_OTHER, p.EN_TOPIC, p.EN_HELP, p.EN_MEANS_WORD, p.EN_BENIGN)


def _subject(lang: _Lang, clause_prefix: str) -> str:
    """'self', 'other' or '' from the last person word before the match in its clause."""
    last_self = max((m.end() for m in lang.self_words.finditer(clause_prefix)), default=-1)
    last_other = max((m.end() for m in lang.other_words.finditer(clause_prefix)), default=-1)
    if last_self < 0 and last_other < 0:
        return ""
    return "self" if last_self >= last_other else "other"


def _hits(lang: _Lang, text: str) -> list[_Hit]:
    topic = bool(lang.topic.search(text))
    benign = bool(lang.benign.search(text))
    laughing = bool(p.LAUGHTER.search(text)) and not p.EARNEST.search(text)
    helping = bool(lang.help.search(text)) and bool(lang.other_words.search(text))
    hits: list[_Hit] = []
    for rule in lang.rules:
        for match in rule.regex.finditer(text):
            prefix = text[lang.clause_start(text, match.start()):match.start()]
            unless = p.UNLESS.get(rule.id)
            if unless is not None and unless.search(text):
                break
            if benign and rule.id in p.BENIGN_RULES:
                continue  # a rope for the tent, pills the doctor prescribed
            hit = _Hit(rule, rule.level)
            if laughing and rule.id in p.BARE_WISH and hit.level == "crisis":
                hit.level, hit.tag = "concern", "joking"
            if lang.negated(prefix):
                if rule.level == "crisis":
                    hit.level, hit.tag = "concern", "negated"
                else:
                    continue
            if rule.kind != "self":
                # "我" inside the match itself ("我应该已经不在了") makes it first person
                subject = "self" if lang.self_words.search(match.group()) else _subject(lang, prefix)
                if subject == "other" or (subject == "" and rule.kind == "topic" and topic):
                    if topic:
                        continue  # a story, the news, prevention work
                    if hit.level == "crisis":
                        hit.level, hit.tag = "concern", "other"
                elif subject == "" and helping and hit.level == "crisis":
                    hit.level, hit.tag = "concern", "other"
            hits.append(hit)
            break  # one hit per rule is enough
    return hits


_VALUABLES_RULE = p.Rule("zh.hand_over", "amplifier", "self", p.ZH_VALUABLES)


def _giving_away(text: str) -> bool:
    return bool(p.ZH_GIVE.search(text)) and bool(p.ZH_FINAL.search(text))


def assess(text: str) -> Assessment:
    """Risk of self-harm or suicide signalled by one message: none, concern or crisis."""
    if not text or not text.strip():
        return Assessment("none")
    zh_text = normalize.chinese(text)
    en_text = normalize.english(text)
    hits = _hits(_ZH, zh_text) + _hits(_EN, en_text)
    extra: list[str] = []
    if _giving_away(zh_text):
        extra.append("zh.give_away")
    elif p.ZH_GIVE.search(zh_text) and p.ZH_VALUABLES.search(zh_text):
        # passwords, savings or a pet handed over: crisis only next to another sign
        hits.append(_Hit(_VALUABLES_RULE, "amplifier"))

    cues = [h for h in hits if h.level in ("concern", "crisis")]
    means = bool(_ZH.means.search(zh_text) or _EN.means.search(en_text))
    levels = [h.level for h in cues]
    euphemisms = [h for h in hits if h.level == "euphemism"]
    amplifiers = [h for h in hits if h.level == "amplifier" and not h.tag]
    for hit in euphemisms:
        # a veiled wish ("想解脱", "want to disappear") next to any other cue reads as crisis
        levels.append("crisis" if (cues or amplifiers) and not hit.tag else "concern")
    if amplifiers and (cues or euphemisms or means or len({h.rule.id for h in amplifiers}) > 1):
        levels.append("crisis")  # "I have a plan" next to a cue, a means or another amplifier
    if extra:
        levels.append("crisis")
    risk = max(levels, key=_RANK.__getitem__, default="none")
    reasons = tuple(dict.fromkeys(
        [h.reason for h in hits if h.level != "amplifier" or risk != "none"] + extra
    ))
    return Assessment(risk, reasons if risk != "none" else ())


def assess_turns(turns: Sequence[str]) -> Assessment:
    """Risk for the last of a conversation's user turns (oldest first), judged with the ones
    before it.  Placeholder until the conversation-level assessor lands: the highest risk of
    the last few turns."""
    recent = [assess(turn) for turn in list(turns)[-5:]]
    return max(recent, key=lambda a: _RANK[a.risk], default=Assessment("none"))
