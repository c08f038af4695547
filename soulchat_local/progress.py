"""A plain progress bar on stderr (bytes or items, rate, ETA); silent when not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


class Progress:
    """Call `update(n)` as work is done and `close()` at the end.

    Draws at most ten times a second; `enabled=None` means "only on a terminal".
    """

    def __init__(
        self,
        total: int | None,
        label: str = "",
        *,
        unit: str = "B",
        start: int = 0,
        enabled: bool | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = total
        self.label = label
        self.unit = unit
        self.done = start
        self._start_done = start
        self._t0 = time.monotonic()
        self._last_draw = 0.0

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and now - self._last_draw >= 0.1:
            self._last_draw = now
            self._draw(now)

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def _fmt(self, n: float) -> str:
        return human_bytes(n) if self.unit == "B" else f"{n:.0f} {self.unit}"

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._t0, 1e-6)
        rate = (self.done - self._start_done) / elapsed
        parts = [self.label] if self.label else []
        if self.total:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(frac * 24)
            parts.append(f"[{bar:<24}] {frac * 100:5.1f}%")
            parts.append(f"{self._fmt(self.done)}/{self._fmt(self.total)}")
            if rate > 0 and self.done < self.total:
                parts.append(f"ETA {(self.total - self.done) / rate:.0f}s")
        else:
            parts.append(self._fmt(self.done))
        parts.append(f"{self._fmt(rate)}/s")
        self.stream.write("\r" + "  ".join(parts) + "\x1b[K")
        self.stream.flush()
