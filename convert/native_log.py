"""Capture what native code (llama.cpp) writes to file descriptor 2.

llama.cpp logs every tensor while quantizing and warns while loading; the user gets a
progress line and, on failure, llama.cpp's own error line instead of hundreds of lines.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


class Captured:
    text = ""

    def last_error(self) -> str:
        lines = [ln.strip() for ln in self.text.splitlines() if ln.strip()]
        for line in reversed(lines):
            if "error" in line.lower() or "failed" in line.lower():
                return line
        return lines[-1] if lines else ""


@contextmanager
def capture_stderr() -> Iterator[Captured]:
    result = Captured()
    sys.stderr.flush()
    saved_fd, saved_stream = os.dup(2), sys.stderr
    python_side = io.StringIO()  # llama-cpp-python's log callback prints to sys.stderr
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        sys.stderr = python_side
        try:
            yield result
        finally:
            sys.stderr = saved_stream
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            sink.seek(0)
            result.text = sink.read().decode("utf-8", "replace") + python_side.getvalue()
