"""Run the real `soulchat` command line while recording every socket operation Python makes.

    SOULCHAT_AUDIT_OUT=report.json python offline_run.py ask TEXT ...

An audit hook (PEP 578) sees each socket created, connected, bound or resolved by any
Python code in the process; the report lists them and the network libraries imported.
The test also runs this under `unshare -n`, where the C side has no network either.
"""

from __future__ import annotations

import json
import os
import sys

NETWORK_MODULES = ("huggingface_hub", "requests", "httpx", "urllib3", "http.client")
events: list[list[str]] = []


def hook(event: str, args: tuple) -> None:
    if event.startswith("socket."):
        events.append([event, repr(args)[:200]])


def main() -> int:
    sys.addaudithook(hook)
    from soulchat_local import cli

    code = cli.main(sys.argv[1:])
    report = {
        "code": code,
        "socket_events": events,
        "network_modules": [name for name in NETWORK_MODULES if name in sys.modules],
    }
    with open(os.environ["SOULCHAT_AUDIT_OUT"], "w", encoding="utf-8") as handle:
        json.dump(report, handle)
    return code


if __name__ == "__main__":
    sys.exit(main())
