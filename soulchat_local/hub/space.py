"""Free disk space and physical memory: the one seam tests replace to fake a full disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Keep this much free after a download (or 2% of the download, whichever is more),
# so a pull never fills the disk the history database lives on.
MIN_MARGIN = 512 * 2**20


def free_bytes(path: Path) -> int:
    """Bytes free on the file system holding `path` (or its nearest existing parent)."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def margin_for(size: int) -> int:
    return max(MIN_MARGIN, size // 50)


def total_memory() -> int | None:
    """Physical memory in bytes, or None where the platform does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None
