"""A chat process for the durability tests: real Store, real Conversation, ScriptedEngine.

    python stream_driver.py chat TAG TURNS DELAY    send TURNS messages in a new session,
                                                    each reply streamed with DELAY s a piece
    python stream_driver.py churn TAG ROUNDS        create, fill and delete sessions (each
                                                    deletion scrubs: FTS rebuild, VACUUM,
                                                    WAL checkpoint)

The history is the one under SOULCHAT_HOME (encrypted when SOULCHAT_PASSPHRASE is set).
It reports on stdout, one line each, flushed at once:
    STARTED <n>            message n is being answered (so it was committed first)
    FLUSH <reply id> <n>   <n> characters of a reply were committed
    DONE <reply id>        a reply finished
"""

from __future__ import annotations

import sys

from soulchat_local.chat import Conversation
from soulchat_local.config import Sampling
from soulchat_local.engine import ScriptedEngine
from soulchat_local.paths import get_paths
from soulchat_local.runtime import open_store
from soulchat_local.store import Store

REPLY_WORDS = 80


def user_text(tag: str, n: int) -> str:
    return f"{tag} message {n}: how do I sleep again"


def expected_reply(text: str) -> str:
    """The reply the driver's engine gives to `text` (so tests can check prefixes)."""
    seed = sum(text.encode()) % 997
    return f"About {text!r}: " + " ".join(f"w{seed}-{k}" for k in range(REPLY_WORDS))


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class ReportingStore(Store):
    """The real Store; reports each committed update of a reply."""

    def update_message(self, message_id: int, content: str, **changes) -> None:  # noqa: ANN003
        super().update_message(message_id, content, **changes)
        say(f"FLUSH {message_id} {len(content)}")


def chat(tag: str, turns: int, delay: float) -> None:
    store = ReportingStore(get_paths().ensure().history_db)
    engine = ScriptedEngine(delay=delay)
    sampling = Sampling(max_tokens=4096)
    conversation = Conversation(store, engine, None, sampling=sampling, persona="none")
    for n in range(turns):
        text = user_text(tag, n)
        engine.queue(expected_reply(text))
        started = []

        def on_text(piece: str, n: int = n, started: list = started) -> None:
            if not started:
                started.append(True)
                say(f"STARTED {n}")

        result = conversation.send(text, on_text=on_text)
        say(f"DONE {result.reply_id}")
    store.close()


def churn(tag: str, rounds: int) -> None:
    store = open_store(get_paths())
    for n in range(rounds):
        session = store.create_session("churn")
        for k in range(3):
            store.add_message(session, "user", f"{tag} churn {n}.{k}")
            store.add_message(session, "assistant", f"{tag} answer {n}.{k}", model="churn")
        store.delete_session(session)
        say(f"DONE {session}")
    store.close()


def main(argv: list[str]) -> int:
    if argv[0] == "chat":
        chat(argv[1], int(argv[2]), float(argv[3]))
    elif argv[0] == "churn":
        churn(argv[1], int(argv[2]))
    else:
        raise SystemExit(f"unknown mode {argv[0]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
