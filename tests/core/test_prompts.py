import pytest

from soulchat_local.errors import UserError
from soulchat_local.personas import SOULCHAT2
from soulchat_local.prompts import COUNSELLOR, Message, render, system_prompt

CONVERSATION = [
    Message("user", "我最近睡不好"),
    Message("assistant", "听起来你最近很辛苦。能说说是什么让你睡不着吗？"),
    Message("user", "工作压力大"),
]


def text(segments):
    return "".join(s.text for s in segments)


def test_soulchat_v1_format_matches_the_original_demo():
    prompt = text(render("soulchat-v1", [Message("system", "ignored"), *CONVERSATION]))
    assert prompt == (
        "用户：我最近睡不好\n"
        "心理咨询师：听起来你最近很辛苦。能说说是什么让你睡不着吗？\n"
        "用户：工作压力大\n"
        "心理咨询师："
    )


def test_literal_segments_are_exactly_the_message_texts():
    segments = render("chatml", [Message("system", "S"), *CONVERSATION])
    literal = [(s.message, s.text) for s in segments if s.literal]
    assert literal == [(0, "S")] + [(i + 1, m.content) for i, m in enumerate(CONVERSATION)]
    assert text(segments).endswith("<|im_start|>assistant\n")


def test_gguf_template_is_rendered_with_the_text_put_back():
    template = (
        "{{ bos_token }}{% for m in messages %}<<{{ m['role'] }}>>{{ m['content'] | trim }}"
        "{{ eos_token }}{% endfor %}{% if add_generation_prompt %}<<assistant>>{% endif %}"
    )
    segments = render("gguf", CONVERSATION, template=template, bos_token="<s>", eos_token="</s>")
    assert text(segments) == (
        "<s><<user>>我最近睡不好</s><<assistant>>听起来你最近很辛苦。能说说是什么让你睡不着吗？</s>"
        "<<user>>工作压力大</s><<assistant>>"
    )
    assert not any(s.literal and "<<" in s.text for s in segments)


def test_template_without_system_role_gets_it_in_the_first_user_turn():
    template = (
        "{% for m in messages %}{% if m['role'] == 'system' %}"
        "{{ raise_exception('System role not supported') }}{% endif %}"
        "[{{ m['role'] }}]{{ m['content'] }}{% endfor %}"
    )
    segments = render("gguf", [Message("system", "Be kind."), *CONVERSATION[:1]], template=template)
    assert text(segments) == "[user]Be kind.\n\n我最近睡不好"


def test_unknown_format_is_a_user_error():
    with pytest.raises(UserError, match="unknown prompt format"):
        render("alpaca", CONVERSATION)


def test_persona_choice():
    assert system_prompt("counsellor", "zh") == COUNSELLOR["zh"]
    assert system_prompt(None, "en") == COUNSELLOR["en"]
    assert system_prompt("none", "en") is None
    assert system_prompt("Talk like a friend.", "zh") == "Talk like a friend."
    assert "倾听" in COUNSELLOR["zh"] and "open question" in COUNSELLOR["en"]


def test_a_named_persona_is_followed_by_its_care_paragraph():
    def care(language):
        return "关心。" if language == "zh" else "Care."

    assert system_prompt("counsellor", "en", care=care) == COUNSELLOR["en"] + " Care."
    assert system_prompt("counsellor", "zh", care=care) == COUNSELLOR["zh"] + "关心。"
    # soulchat2 is written in Chinese whatever the interface: so is its care paragraph
    assert system_prompt("soulchat2", "en", care=care) == SOULCHAT2 + "关心。"
    assert system_prompt("Talk like a friend.", "en", care=care) == "Talk like a friend."
    assert system_prompt("none", "en", care=care) is None
