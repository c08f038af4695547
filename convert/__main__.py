"""`python -m soulchat_local.convert SRC --out DIR ...`: the same as `soulchat convert`."""

from __future__ import annotations

import argparse
import os
import sys

from soulchat_local.errors import UserError

from .cli import add_convert_arguments, run_convert


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message} (see `{self.prog} --help`)\n")
        sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m soulchat_local.convert",
                     description="Convert a Hugging Face checkpoint (and LoRA adapter) to GGUF.")
    add_convert_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run_convert(args)
    except UserError as exc:
        sys.stderr.write("soulchat convert: " + " ".join(str(exc).split("\n")) + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("soulchat convert: interrupted\n")
        return 130
    except Exception as exc:  # noqa: BLE001 - turn bugs into exit 1 without a traceback
        if os.environ.get("SOULCHAT_DEBUG") == "1":
            raise
        sys.stderr.write(f"soulchat convert: internal error: {type(exc).__name__}: {exc} "
                         "(run again with SOULCHAT_DEBUG=1 for details)\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
