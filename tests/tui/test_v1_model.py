"""The app on a SoulChat v1 (ChatGLM-6B) model file: chosen by its format, run by chatglm.cpp,
replies streamed and stored like any other (tiny random ChatGLM-6B)."""

from __future__ import annotations

from pathlib import Path

import pytest

from soulchat_local.config import Config, ModelSettings, Sampling
from soulchat_local.tui.app import SoulChatApp
from tests.convert import tiny_glm

from .conftest import SIZE, seen_notice, type_text, wait_until

pytest.importorskip("chatglm_cpp")
pytestmark = [pytest.mark.anyio, pytest.mark.real_model, pytest.mark.timeout(1800)]


@pytest.fixture
def v1_file(tmp_path: Path) -> Path:
    from soulchat_local.convert import convert_checkpoint

    glm = tiny_glm.build(tmp_path / "SoulChat-tiny", dtype="F16")
    return convert_checkpoint(
        glm.path, tmp_path / "out", "q8_0", name="soulchat-tiny", register=False, progress=False
    )[0]


async def test_chat_with_a_v1_model(tui_home: Path, v1_file: Path, store) -> None:
    from soulchat_local.chatglm_engine import ChatGLMEngine

    seen_notice()
    config = Config(
        model=ModelSettings(threads=2), sampling=Sampling(temperature=0.0, max_tokens=4)
    )
    app = SoulChatApp(model=str(v1_file), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "你好")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: app.last_result is not None and not app.generating, timeout=900
        )
        assert isinstance(app.engine, ChatGLMEngine)
        reply = app.chat.views()[-1]
        assert reply.role == "assistant" and reply.state == "done"
        assert reply.text == app.last_result.reply
        status = app.chat.status.render_status()
        assert status.startswith(f"{v1_file.stem} · CPU") and "/256" in status
        first_prompt = app.last_result.prompt.used
        # a second turn sees the first: the prompt holds the whole exchange
        await type_text(pilot, "谢谢")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: len(app.chat.views()) == 4 and not app.generating, timeout=900
        )
        assert app.last_result.prompt.used > first_prompt
    rows = store.messages(store.latest_session().id)
    assert [r.role for r in rows] == ["user", "assistant", "user", "assistant"]
    assert rows[0].content == "你好" and rows[1].content == reply.text
    assert not any(r.partial for r in rows)
