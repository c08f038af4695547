"""How often a streaming reply's text is drawn.

Streamed text is handed to the screen every FRAME_S at most; when the screen's work
(layout, painting) takes more than a budget of the UI thread's time, the interval
stretches (up to FRAME_MAX_S). Where llama.cpp's threads occupy every core, each ms the
UI works is a ms taken from them (on 2 cores, UI work of 5% of a reply made it ~5%
slower: tests/tui/bench_tui.py), so the budget is small there and larger where a core
is left over.
"""

from __future__ import annotations

import os
import time

from textual.app import App
from textual.timer import Timer

from .widgets.message import MessageView

FRAME_S = 1 / 10
FRAME_MAX_S = 0.5
UI_BUDGET_SHARED_CORES = 0.025
UI_BUDGET_SPARE_CORE = 0.10


class FramePacer:
    """Flushes `view`'s queued text once per frame until stopped."""

    def __init__(self, app: App, view: MessageView, engine_threads: int) -> None:
        self.app = app
        self.view = view
        spare_core = (os.cpu_count() or 1) > engine_threads
        self.budget = UI_BUDGET_SPARE_CORE if spare_core else UI_BUDGET_SHARED_CORES
        self.frame_s = FRAME_S
        self._clock = (time.perf_counter(), time.thread_time())
        self._timer: Timer | None = app.set_timer(FRAME_S, self._flush)

    def _flush(self) -> None:
        if self._timer is None:
            return
        if self.view.is_mounted:
            self.view.flush()
        wall, cpu = time.perf_counter(), time.thread_time()  # this is the UI's thread
        busy = (cpu - self._clock[1]) / max(wall - self._clock[0], 1e-6)
        self._clock = (wall, cpu)
        if busy > self.budget:
            self.frame_s = min(FRAME_MAX_S, self.frame_s * 1.5)
        else:
            self.frame_s = max(FRAME_S, self.frame_s / 1.2)
        self._timer = self.app.set_timer(self.frame_s, self._flush)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
