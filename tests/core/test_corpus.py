"""The dialogue loader: every corpus shape, every kind of bad record, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soulchat_local.corpus import BAD_EXAMPLES, load_dialogues, parse_v1_text
from soulchat_local.errors import UserError
from soulchat_local.prompts import Message

SOULCHAT = {
    "id": "sc-1",
    "topic": "学业",
    "messages": [
        {"role": "user", "content": "考试没考好，很难过。"},
        {"role": "assistant", "content": "听起来你很失落。"},
        {"role": "user", "content": "嗯。"},
        {"role": "assistant", "content": "愿意说说吗？"},
    ],
}
PSYDT = {
    "id": 7,
    "normalizedTag": "家庭",
    "messages": [
        {"role": "system", "content": "你是一位心理咨询师。"},
        {"role": "user", "content": "我和父母吵架了。"},
        {"role": "assistant", "content": "吵架后你心里是什么感觉？"},
    ],
}
SHAREGPT = {
    "system": "You are a counsellor.",
    "conversations": [
        {"from": "human", "value": "I can't sleep."},
        {"from": "gpt", "value": "That sounds exhausting."},
    ],
}
HISTORY = {
    "id": 3,
    "title": "Sleep",
    "model": "smollm2",
    "created": "2026-12-01T10:00:00+00:00",
    "updated": "2026-12-01T10:05:00+00:00",
    "messages": [
        {"role": "user", "content": "hello", "created": "t1", "partial": False},
        {"role": "assistant", "content": "hi, how are you?", "created": "t2", "partial": False},
        {"role": "user", "content": "tired", "created": "t3", "partial": False},
        {"role": "assistant", "content": "I hear", "created": "t4", "partial": True},
        {"role": "user", "content": "sorry, go on", "created": "t5", "partial": False},
    ],
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def roles(dialogue) -> list[str]:  # noqa: ANN001
    return [m.role for m in dialogue.messages]


def test_soulchat_corpus_json_array(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sc.json", json.dumps([SOULCHAT, SOULCHAT], ensure_ascii=False, indent=2)
    )
    result = load_dialogues(path)
    assert result.bad_count == 0 and len(result.dialogues) == 2
    first = result.dialogues[0]
    assert first.id == "sc-1" and first.format == "soulchat"
    assert first.source == "sc.json:2"
    assert first.messages[1] == Message("assistant", "听起来你很失落。")
    assert (
        result.dialogues[1].source.startswith("sc.json:")
        and result.dialogues[1].source != "sc.json:2"
    )


def test_psydt_keeps_the_system_prompt_and_int_ids(tmp_path: Path) -> None:
    result = load_dialogues(write(tmp_path / "p.jsonl", json.dumps(PSYDT, ensure_ascii=False)))
    (dialogue,) = result.dialogues
    assert dialogue.format == "psydt" and dialogue.id == "7"
    assert roles(dialogue) == ["system", "user", "assistant"]


def test_sharegpt_maps_from_and_top_level_system(tmp_path: Path) -> None:
    result = load_dialogues(write(tmp_path / "s.json", json.dumps([SHAREGPT])))
    (dialogue,) = result.dialogues
    assert dialogue.format == "sharegpt"
    assert dialogue.messages == [
        Message("system", "You are a counsellor."),
        Message("user", "I can't sleep."),
        Message("assistant", "That sounds exhausting."),
    ]
    assert dialogue.id == "s.json:1"  # no id in the record: where it was read


def test_history_export_is_cut_before_a_stopped_reply(tmp_path: Path) -> None:
    result = load_dialogues(write(tmp_path / "h.json", json.dumps(HISTORY, indent=2)))
    (dialogue,) = result.dialogues
    assert dialogue.format == "history" and dialogue.id == "3"
    assert [m.content for m in dialogue.messages] == ["hello", "hi, how are you?", "tired"]


def test_history_export_from_the_real_command(cli, home: Path, tmp_path: Path) -> None:
    from soulchat_local.paths import get_paths
    from soulchat_local.runtime import open_store

    store = open_store(get_paths())
    session = store.create_session("smollm2", title="A chat")
    store.add_message(session, "user", "I feel alone.")
    store.add_message(session, "assistant", "That sounds hard. What happened?")
    store.add_message(session, "user", "Work.")
    store.add_message(session, "assistant", "Work can", partial=True)
    store.close()
    exported = cli("history", "export", str(session), "--format", "json")
    assert exported.code == 0, exported.err
    result = load_dialogues(write(tmp_path / "export.json", exported.out))
    assert result.bad_count == 0
    assert [m.role for m in result.dialogues[0].messages] == ["user", "assistant", "user"]
    assert result.dialogues[0].format == "history"


def test_soulchat_v1_roles_and_plain_text(tmp_path: Path) -> None:
    records = [
        {
            "id": "a",
            "messages": [
                {"role": "用户", "content": "我很焦虑。"},
                {"role": "心理咨询师", "content": "焦虑让你很辛苦吧。"},
            ],
        },
        {
            "id": "b",
            "text": "用户：我失眠了。\n心理咨询师：多久了？\n用户：一个月。\n心理咨询师：一定很累。",
        },
        {"id": "c", "input": "用户：我失恋了。\n心理咨询师：", "target": "失去一段感情很痛。"},
        {"id": "d", "input": "用户：我被批评了", "output": "你觉得委屈吗？"},
    ]
    path = write(
        tmp_path / "v1.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    )
    result = load_dialogues(path)
    assert result.bad_count == 0, result.bad_examples
    a, b, c, d = result.dialogues
    assert a.format == "messages" and roles(a) == ["user", "assistant"]
    assert b.format == "soulchat-v1" and roles(b) == ["user", "assistant"] * 2
    assert b.messages[3] == Message("assistant", "一定很累。")
    assert c.messages == [Message("user", "我失恋了。"), Message("assistant", "失去一段感情很痛。")]
    assert d.messages == [Message("user", "我被批评了"), Message("assistant", "你觉得委屈吗？")]


def test_v1_text_keeps_multi_line_turns_and_ascii_colons() -> None:
    messages = parse_v1_text("用户:第一行\n第二行\n心理咨询师：嗯，\n我在听。")
    assert messages == [Message("user", "第一行\n第二行"), Message("assistant", "嗯，\n我在听。")]


def test_targets_give_every_counsellor_turn_with_its_context(tmp_path: Path) -> None:
    result = load_dialogues(write(tmp_path / "sc.json", json.dumps(SOULCHAT)))
    targets = list(result.dialogues[0].targets())
    assert [len(context) for context, _ in targets] == [1, 3]
    assert targets[1][1].content == "愿意说说吗？"
    assert targets[1][0][-1] == Message("user", "嗯。")


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ("[1, 2]", "must be a JSON object, not a list"),
        ('{"foo": 1}', "unknown record shape (keys: foo)"),
        ('{"messages": []}', "`messages` must be a non-empty list"),
        ('{"messages": ["hi"]}', "message 1 is text, not an object"),
        ('{"messages": [{"role": "user"}]}', "message 1 has no `role` or no `content`"),
        ('{"messages": [{"role": "bot", "content": "x"}]}', "message 1 has unknown role 'bot'"),
        ('{"messages": [{"role": "user", "content": 5}]}', "message 1 content is a number"),
        ('{"messages": [{"role": "user", "content": "  "}]}', "message 1 is empty"),
        ('{"messages": [{"role": "user", "content": "a"}]}', "no counsellor (assistant) turn"),
        (
            '{"messages": [{"role": "assistant", "content": "a"}]}',
            "message 1 is a assistant turn where a user turn belongs",
        ),
        (
            '{"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"},'
            ' {"role": "assistant", "content": "c"}]}',
            "message 2 is a user turn where a assistant",
        ),
        (
            '{"messages": [{"role": "user", "content": "a"}, {"role": "system", "content": "b"}]}',
            "message 2 is a system prompt after the first message",
        ),
        ('{"conversations": "x"}', "`conversations` must be a non-empty list"),
        ('{"conversations": [{"from": "human"}]}', "turn 1 has no `from` or no `value`"),
        ('{"conversations": [{"from": "function_call", "value": "x"}]}', "unknown role"),
        ('{"text": "hello there"}', "not in the SoulChat v1 form"),
        ('{"input": "用户：你好"}', "needs a non-empty `target`"),
        ('{"messages": [{"role": "user"', "not valid JSON"),
    ],
)
def test_each_kind_of_bad_record_is_counted_and_named(
    tmp_path: Path, record: str, why: str
) -> None:
    good = json.dumps(SOULCHAT, ensure_ascii=False)
    path = write(tmp_path / "mixed.jsonl", f"{good}\n\n{record}\n{good}\n")
    result = load_dialogues(path)
    assert len(result.dialogues) == 2
    assert result.bad_count == 1
    (example,) = result.bad_examples
    assert example.startswith("mixed.jsonl:3: "), example
    assert why in example, example


def test_only_the_first_few_bad_records_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.jsonl", "\n".join(f'{{"n": {i}}}' for i in range(12)))
    result = load_dialogues(path)
    assert result.dialogues == [] and result.bad_count == 12
    assert len(result.bad_examples) == BAD_EXAMPLES
    assert result.bad_examples[0].startswith("bad.jsonl:1: unknown record shape")
    assert result.describe_bad().startswith("skipped 12 bad record(s): bad.jsonl:1:")


def test_a_broken_json_array_keeps_what_came_before(tmp_path: Path) -> None:
    good = json.dumps(SOULCHAT, ensure_ascii=False)
    path = write(tmp_path / "broken.json", f'[\n{good},\n{good},\n{{"messages": [\n')
    result = load_dialogues(path)
    assert len(result.dialogues) == 2 and result.bad_count == 1
    assert result.bad_examples[0].startswith("broken.json:4: not valid JSON")


def test_an_unclosed_array_and_a_missing_comma_are_bad_records(tmp_path: Path) -> None:
    good = json.dumps(SOULCHAT, ensure_ascii=False)
    unclosed = load_dialogues(write(tmp_path / "a.json", f"[{good}"))
    assert len(unclosed.dialogues) == 1 and "not closed" in unclosed.bad_examples[0]
    no_comma = load_dialogues(write(tmp_path / "b.json", f"[{good}\n{good}]"))
    assert len(no_comma.dialogues) == 1
    assert no_comma.bad_examples[0].startswith("b.json:2: the JSON array is broken")


def test_a_broken_pretty_printed_object_is_one_bad_record(tmp_path: Path) -> None:
    text = json.dumps(HISTORY, indent=2)[:-30]
    result = load_dialogues(write(tmp_path / "h.json", text))
    assert result.dialogues == [] and result.bad_count == 1
    assert "not valid JSON" in result.bad_examples[0]


def test_not_utf8_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "latin.json").write_bytes('[{"text": "caf\u00e9"}]'.encode("latin-1"))
    bad = load_dialogues(tmp_path / "latin.json")
    assert bad.bad_count == 1 and "not UTF-8" in bad.bad_examples[0]
    empty = load_dialogues(write(tmp_path / "empty.jsonl", "\n \n"))
    assert empty.dialogues == [] and empty.bad_count == 0
    assert load_dialogues(write(tmp_path / "e.json", "[ ]")).dialogues == []


def test_a_directory_and_a_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("\ufeff" + json.dumps([SHAREGPT]), encoding="utf-8")
    write(tmp_path / "a.jsonl", json.dumps(PSYDT, ensure_ascii=False))
    write(tmp_path / "notes.txt", "ignored")
    result = load_dialogues(tmp_path)
    assert [d.format for d in result.dialogues] == ["psydt", "sharegpt"]
    assert result.formats() == {"psydt": 1, "sharegpt": 1}


def test_limit_stops_early(tmp_path: Path) -> None:
    path = write(tmp_path / "x.jsonl", "\n".join([json.dumps(SHAREGPT)] * 5))
    assert len(load_dialogues(path, limit=2).dialogues) == 2


def test_missing_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        load_dialogues(tmp_path / "nope.json")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="no .json or .jsonl"):
        load_dialogues(tmp_path / "empty")
