"""What the model is told about care.

- `persona_care(language, resources)`: the standing part of the counselling persona (every
  turn, in the system prompt): take any hint of self-harm seriously, share the region's
  lines. The detector is not the only safeguard. It depends only on the language and the
  region's lines, so the system prompt, and llama.cpp's cached prefix, stay the same turn
  after turn.
- `safety_instruction(risk, language)`: the extra instruction for a turn assessed as a
  crisis, added to that turn's prompt only (the chat runner appends it to the newest user
  message), never stored. A concern gets none: the persona's standing paragraph already
  asks for the gentle check-in, and a per-turn note would change the rendered history at
  that turn, so every later turn would evaluate the conversation again from there
  (concern is common in counselling talk; crisis is rare and worth that cost).

Short on purpose: small local models follow short, concrete instructions better than long
policies.
"""

from __future__ import annotations

from .notice import resource_lines
from .resources import Resource

_PERSONA_CARE = {
    "en": (
        "Take any hint of self-harm or suicide seriously, even when it is indirect, played "
        "down or said as a joke: do not change the subject. Ask gently and directly whether "
        "they are safe right now, stay with them, and share the crisis lines for where they "
        "live: {lines}. Encourage them to reach someone they trust as well. When they sound "
        "hopeless or worn out, reflect what they feel first, then gently ask how they are "
        "coping and whether they have had thoughts of not wanting to live. Never give "
        "information about ways to hurt oneself."
    ),
    "zh": (
        "对任何自伤或自杀的迹象都要认真对待，即使说得很隐晦、轻描淡写或像是玩笑，也不要转移话题。"
        "温和而直接地问对方现在是否安全，陪着对方，并告诉对方所在地区的求助热线：{lines}。"
        "也鼓励对方联系身边信任的人。当对方听起来绝望或疲惫不堪时，先回应对方的感受，再温和地问问对方"
        "最近是怎么撑过来的，有没有过不想活的念头。绝不提供任何伤害自己的方法。"
    ),
}
_NO_LINES = {
    "en": "the local emergency number or a crisis line",
    "zh": "当地的急救电话或心理危机热线",
}

_INSTRUCTIONS = {
    ("crisis", "en"): (
        "Note to the assistant: this message may mean the person is thinking about suicide or "
        "self-harm. Take it seriously and stay with them: answer warmly and calmly, do not "
        "lecture, judge or change the subject. Ask directly whether they are safe right now "
        "and whether they have thought about how they would hurt themselves. Gently encourage "
        "them to contact a crisis line or emergency services now (the numbers are shown to them "
        "on screen) or someone they trust who can be with them. Never give information about "
        "methods."
    ),
    ("crisis", "zh"): (
        "给助手的提示：这条消息可能表示对方有自杀或自伤的念头。请认真对待，陪着对方：语气温和、平静，"
        "不要说教、评判或转移话题。直接而关切地问对方现在是否安全、是否想过要怎样伤害自己。"
        "温和地鼓励对方现在就联系心理危机热线或急救电话（号码已显示在屏幕上），或者联系一位能来陪伴"
        "自己的信任的人。绝不提供任何关于方法的信息。"
    ),
}


def safety_instruction(risk: str, language: str) -> str | None:
    """The instruction for a turn at `risk` ('none', 'concern', 'crisis'); None but for crisis.

    `language` is 'zh' or 'en' (anything else reads as 'en').
    """
    if risk not in ("none", "concern", "crisis"):
        raise ValueError(f"unknown risk level {risk!r}")
    if risk != "crisis":
        return None
    return _INSTRUCTIONS[(risk, "zh" if language == "zh" else "en")]


def persona_care(language: str, resources: list[Resource]) -> str:
    """The care paragraph of the counselling persona, with the region's lines in it."""
    key = "zh" if language == "zh" else "en"
    separator = "；" if key == "zh" else "; "
    lines = separator.join(resource_lines(key, resources)) or _NO_LINES[key]
    return _PERSONA_CARE[key].format(lines=lines)
