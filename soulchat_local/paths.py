"""Where soulchat-local keeps its files, and keeping them private.

`SOULCHAT_HOME` moves everything (config, models, history) under one directory;
otherwise the platform's user directories are used.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def registry_file(self) -> Path:
        return self.data_dir / "registry.json"

    @property
    def history_db(self) -> Path:
        return self.data_dir / "history.db"

    def ensure(self) -> Paths:
        """Create the directories (mode 0700) if they are missing."""
        for directory in (self.config_dir, self.data_dir, self.models_dir):
            make_private_dir(directory)
        return self


def get_paths() -> Paths:
    home = os.environ.get("SOULCHAT_HOME")
    if home:
        root = Path(home).expanduser()
        return Paths(config_dir=root, data_dir=root)
    import platformdirs

    return Paths(
        config_dir=Path(platformdirs.user_config_dir("soulchat-local", appauthor=False)),
        data_dir=Path(platformdirs.user_data_dir("soulchat-local", appauthor=False)),
    )


def make_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)


def make_private_file(path: Path) -> None:
    """Create `path` if needed and restrict it to its owner (0600).

    An existing file is not opened: closing a descriptor of it would drop any POSIX
    lock this process holds on it (SQLite's, when it is a database in use).
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))
    os.chmod(path, PRIVATE_FILE_MODE)


def write_private_text(path: Path, text: str) -> None:
    """Write a small file atomically with mode 0600 (temp file, fsync, rename)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, PRIVATE_FILE_MODE)
    os.replace(tmp, path)
