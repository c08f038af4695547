"""`soulchat ask`: one turn from the command line, streamed to stdout."""

from __future__ import annotations

import argparse
import json
import sys

from .. import lang
from .common import add_model_option, add_session_options, load_settings, read_message


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("ask", help="ask one question and stream the reply")
    add_model_option(p)
    add_session_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.add_argument("--dry-run", action="store_true", help="show the prompt, do not generate")
    p.add_argument("--max-tokens", type=_positive_int, metavar="N")
    p.add_argument("--temperature", type=_temperature, metavar="T")
    p.add_argument(
        "--locale", type=_locale, metavar="zh|en|LOCALE",
        help="zh, en, or a locale such as zh_HK or en_GB: its language for the persona, "
        "its region for the crisis lines (default: the environment's)",
    )
    p.add_argument("text", metavar="TEXT", help="the message, or - to read standard input")
    p.set_defaults(func=run)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _locale(value: str) -> str:
    if not lang.is_locale(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not zh, en or a locale such as zh_HK or en_GB"
        )
    return value


def _temperature(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0 <= number <= 5:
        raise argparse.ArgumentTypeError("must be between 0 and 5")
    return number


def run(args: argparse.Namespace) -> int:
    from .. import safety
    from ..chat import Conversation
    from ..model_hint import take_chinese_model_hint
    from ..resolve import resolve_model
    from ..runtime import load_engine, open_store, sampling_for, sampling_with

    paths, config = load_settings()
    text = read_message(args.text)
    language = lang.language(args.locale)
    model = resolve_model(args.model, config, paths)
    hint = take_chinese_model_hint(paths, model.name, language)
    if hint:
        sys.stderr.write(hint + "\n")
    store = open_store(paths, ask=True)
    session_id = _session(store, args)
    engine = load_engine(model, config)
    sampling = sampling_with(
        sampling_for(config, model), temperature=args.temperature, max_tokens=args.max_tokens
    )
    conversation = Conversation(
        store, engine, session_id, sampling=sampling, language=language, locale=args.locale,
        region=config.care.region, persona=model.system_prompt,
    )
    if args.dry_run:
        return _dry_run(conversation, text, args.json)
    notice = safety.first_run_notice(language) if safety.notice_due(paths) else None

    def announce(assessment, resources) -> None:  # noqa: ANN001
        """Before the reply: the first-run notice, then help for a turn at risk."""
        if args.json:
            return
        if notice:
            sys.stderr.write(notice + "\n\n")
            safety.mark_notice_shown(paths)
        if assessment.risk == "crisis":
            sys.stderr.write(safety.crisis_banner(language, resources) + "\n\n")
        elif assessment.risk == "concern":
            sys.stderr.write(safety.concern_note(language, resources) + "\n\n")
        sys.stderr.flush()

    thinking = _ThinkingNote(language) if not args.json and sys.stderr.isatty() else None

    def show(piece: str) -> None:
        if thinking is not None:
            thinking.done()
        sys.stdout.write(piece)
        sys.stdout.flush()

    result = conversation.send(
        text, on_text=None if args.json else show, on_assessed=announce,
        on_thinking=thinking.tick if thinking is not None else None,
    )
    if thinking is not None:
        thinking.done()
    stats = result.stats
    if args.json:
        answer = {
            "session": result.session_id,
            "model": engine.name,
            "reply": result.reply,
            "thinking": result.thinking,  # a reasoning model's thinking ("" for others)
            "usage": {
                "prompt_tokens": stats.prompt_tokens,
                "completion_tokens": stats.completion_tokens,
            },
            "timing": {
                "ttft_s": round(stats.ttft_s, 4),
                "tokens_per_s": round(stats.tokens_per_s, 2),
            },
            "context": {
                "n_ctx": result.prompt.n_ctx,
                "used": result.prompt.used,
                "dropped_turns": result.prompt.dropped_turns,
            },
            "safety": {
                "risk": result.assessment.risk,
                "resources": [
                    {"name": r.name, "contact": r.contact, "region": r.region}
                    for r in result.resources
                ],
            },
        }
        if notice:
            answer["notice"] = notice
        print(json.dumps(answer, ensure_ascii=False))
        if notice:
            safety.mark_notice_shown(paths)
    else:
        sys.stdout.write("\n")
        if result.prompt.dropped_turns:
            sys.stderr.write(
                f"note: the {result.prompt.dropped_turns} oldest messages of session "
                f"{result.session_id} no longer fit the context window (n_ctx="
                f"{result.prompt.n_ctx}) and were left out of the prompt; they stay in "
                "the history\n"
            )
    return 0


def _session(store, args: argparse.Namespace) -> int | None:  # noqa: ANN001
    """--session ID, a new one with --new, else the most recent (None: created on send)."""
    if args.session is not None:
        return store.session(args.session).id
    if args.new:
        return None
    latest = store.latest_session()
    return latest.id if latest else None


def _dry_run(conversation, text: str, as_json: bool) -> int:  # noqa: ANN001
    prompt = conversation.preview(text)
    if not as_json:
        sys.stdout.write(prompt.text + "\n")
        return 0
    tokens = conversation.engine.describe(prompt.tokens)
    print(json.dumps({
        "model": conversation.engine.name,
        "prompt": prompt.text,
        "tokens": [{"id": t.id, "text": t.text, "special": t.special} for t in tokens],
        "n_ctx": prompt.n_ctx,
    }, ensure_ascii=False))
    return 0



class _ThinkingNote:
    """While a reasoning model thinks, one line on the terminal's stderr says so (the
    thinking itself is not printed; --json has it); it is erased when the answer starts."""

    def __init__(self, language: str) -> None:
        self.label = "（正在思考…）" if language == "zh" else "(thinking…)"
        self.shown = False

    def tick(self, piece: str) -> None:  # noqa: ARG002 - only that thinking goes on
        if not self.shown:
            sys.stderr.write(self.label)
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False
