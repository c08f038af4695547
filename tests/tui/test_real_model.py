"""The app end to end with the real demo model (llama.cpp), loaded the way users load it."""

from __future__ import annotations

from pathlib import Path

import pytest

from soulchat_local.config import Config, ModelSettings, Sampling
from soulchat_local.llama_engine import LlamaEngine
from soulchat_local.tui.app import SoulChatApp

from .conftest import SIZE, seen_notice, type_text, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.real_model, pytest.mark.slow]


async def test_chat_with_the_demo_model(tui_home: Path, demo_gguf: Path, store) -> None:
    seen_notice()
    config = Config(model=ModelSettings(n_ctx=2048, threads=2),
                    sampling=Sampling(temperature=0.0, max_tokens=48))
    # no engine injected: the app resolves the path and loads LlamaEngine in the background
    app = SoulChatApp(model=str(demo_gguf), config=config)
    async with app.run_test(size=SIZE) as pilot:
        assert app.loading  # the first paint does not wait for the model
        await type_text(pilot, "Hello! Please say something kind.")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.last_result is not None and not app.generating,
                         timeout=240)
        assert isinstance(app.engine, LlamaEngine)
        reply = app.chat.views()[-1]
        assert reply.role == "assistant" and reply.state == "done"
        assert reply.text.strip() and reply.text == app.last_result.reply
        status = app.chat.status.render_status()
        assert status.startswith(f"{demo_gguf.stem} · {app.engine.backend}")
        assert "tok/s" in status and "/2048" in status
        # Esc stops a second reply early; what came is kept
        app.config.sampling.max_tokens = 400
        await type_text(pilot, "Tell me a long story about the sea.")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.generating and len(app.chat.views()[-1].text) > 10,
                         timeout=240)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.generating, timeout=60)
        assert app.chat.views()[-1].state == "stopped"
    rows = store.messages(store.latest_session().id)
    assert [r.role for r in rows] == ["user", "assistant", "user", "assistant"]
    assert rows[1].content == reply.text and not rows[1].partial
    assert rows[3].partial and rows[3].content
