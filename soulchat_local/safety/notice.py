"""Text shown to the user: the first-run notice, the crisis banner and the concern note."""

from __future__ import annotations

from .resources import Resource

_NOTICE = {
    "en": (
        "Welcome. This is an AI companion that runs entirely on your computer; nothing you "
        "write leaves it.\n"
        "\n"
        "It is not a doctor, therapist or counsellor, and it is not a replacement for "
        "professional help. It can listen, help you put feelings into words and think things "
        "through. It cannot diagnose, prescribe, judge an emergency or call anyone for you, "
        "and it can be wrong.\n"
        "\n"
        "If you are in danger or thinking about ending your life, please contact emergency "
        "services or a crisis line now. When a message sounds like you may be at risk, crisis "
        "lines for your region appear on screen automatically."
    ),
    "zh": (
        "欢迎。这是一个完全在你电脑上运行的 AI 陪伴者，你写下的内容不会离开这台电脑。\n"
        "\n"
        "它不是医生、心理治疗师或咨询师，也不能代替专业帮助。它可以倾听，帮你把感受说出来、把事情理一理；"
        "它不能做诊断、开药、判断紧急情况，也不能替你打电话求助，而且它也会出错。\n"
        "\n"
        "如果你身处危险，或者有结束生命的想法，请立即联系急救电话或心理危机热线。"
        "当你的消息听起来可能有危险时，屏幕上会自动显示你所在地区的求助热线。"
    ),
}

_NOTICE_LINE = {
    "en": "An AI companion, not a replacement for professional help.",
    "zh": "AI 陪伴者，不能代替专业帮助。",
}
_BANNER_HEAD = {
    "en": "You matter, and you don't have to face this alone. If you might act on thoughts of "
    "suicide or self-harm, please reach out now:",
    "zh": "你很重要，你不必独自面对这些。如果你可能会伤害自己，请现在就联系：",
}
_BANNER_NONE = {
    "en": "Please contact your local emergency number or a crisis line now.",
    "zh": "请立即拨打当地的急救电话或心理危机热线。",
}
_CONCERN_KEY = {
    "en": "Help is there if you want it: {key} shows crisis lines for your region.",
    "zh": "需要时随时有人可以帮你：按 {key} 查看你所在地区的求助热线。",
}
_CONCERN_LINE = {
    "en": "Help is there if you want it: {line}",
    "zh": "需要时随时有人可以帮你：{line}",
}
REGION_NAMES = {
    "CN": ("mainland China", "中国大陆"),
    "HK": ("Hong Kong", "香港"),
    "TW": ("Taiwan", "台湾"),
    "US": ("US", "美国"),
    "GB": ("UK", "英国"),
    "IE": ("Ireland", "爱尔兰"),
}


def _lang(language: str) -> str:
    return "zh" if language == "zh" else "en"


def first_run_notice(language: str) -> str:
    """The notice shown once on first run: what this is, what it is not, where to get help."""
    return _NOTICE[_lang(language)]


def notice_line(language: str) -> str:
    """The first-run notice collapsed to one line (the app, once it has been read; the
    key to the crisis lines is in the footer beside it)."""
    return _NOTICE_LINE[_lang(language)]


def resource_lines(language: str, resources: list[Resource]) -> list[str]:
    """'name: contact' for each resource; when they span several regions (no region is
    known) each says which region it serves, so nobody takes another country's line for
    their own."""
    regions = {r.region for r in resources if r.region in REGION_NAMES}
    index = 1 if _lang(language) == "zh" else 0
    lines = []
    for r in resources:
        where = REGION_NAMES.get(r.region, ("", ""))[index] if len(regions) > 1 else ""
        lines.append(f"{where} · {r.name}: {r.contact}" if where else f"{r.name}: {r.contact}")
    return lines


def crisis_banner(language: str, resources: list[Resource]) -> str:
    """Short text for the TUI banner and the CLI's stderr: a line, then one line per resource."""
    key = _lang(language)
    if not resources:
        return f"{_BANNER_HEAD[key]}\n{_BANNER_NONE[key]}"
    lines = [_BANNER_HEAD[key]]
    lines += [f"  {line}" for line in resource_lines(language, resources)]
    return "\n".join(lines)


def concern_note(language: str, resources: list[Resource], key: str = "") -> str:
    """One quiet line for a turn of concern: help is there, and the key that shows it (the
    app), or else the region's first line (the command line)."""
    lang_key = _lang(language)
    if key:
        return _CONCERN_KEY[lang_key].format(key=key)
    if not resources:
        return _BANNER_NONE[lang_key]
    return _CONCERN_LINE[lang_key].format(line=resource_lines(language, resources[:1])[0])
