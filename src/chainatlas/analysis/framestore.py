"""Derived frames kept on disk per database instance and data version (持久化的派生数据帧).

A snapshot's derived frames (a chain's frames, the leaders' supporting rates, the periods) are computed from the
whole register and all links, which takes most of a cold request. They depend only on the data, so they are written
once per data version as Arrow IPC files and read back by any later process: a restarted server, a CLI command, a
batch worker. The key holds the database's instance id (``db_instance``, a random id made when the database was
created) as well as the data version, so a database rebuilt at the same path never reads another one's frames.

Files are written to a temporary folder and renamed into place, so a reader sees a whole entry or none; an entry
that cannot be read is treated as missing and rebuilt. Only the newest ``keep`` namespaces (instance + version) are
kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import polars as pl

Frames = pl.DataFrame | dict[str, pl.DataFrame]
_SINGLE = "__frame__"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the analysis package's source: frames stored by other code (an upgrade, a local change) are not read.

    >>> len(code_version())
    24
    """
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


def namespace(*parts: object, segments: pl.DataFrame) -> str:
    """The namespace of one data version: its parts, the analysis code and the chain templates in use."""
    seg_hash = hashlib.sha256(segments.write_json().encode()).hexdigest()[:24]
    return ":".join([*map(str, parts), code_version(), seg_hash])


def key_name(key: tuple[str, ...]) -> str:
    """A file-system-safe, stable name for a memo key.

    >>> key_name(("chain", "nev", "4101")) == key_name(("chain", "nev", "4101")) != key_name(("chain", "nev", "41"))
    True
    """
    return hashlib.sha256(json.dumps(list(key)).encode()).hexdigest()[:24]


class FrameStore:
    """Frames under ``root/<namespace>/<key>/``; the namespace names one database instance at one data version."""

    def __init__(self, root: Path, namespace: str, keep: int = 8) -> None:
        self.root = Path(root)
        self.namespace = key_name((namespace,))
        self.keep = keep

    def _dir(self, key: tuple[str, ...]) -> Path:
        return self.root / self.namespace / key_name(key)

    def load(self, key: tuple[str, ...]) -> Frames | None:
        """The frames stored under ``key``, or None (never stored, or unreadable)."""
        folder = self._dir(key)
        try:
            names = json.loads((folder / "names.json").read_text(encoding="utf-8"))
            frames = {name: pl.read_ipc(folder / f"{i}.arrow") for i, name in enumerate(names)}
        except (OSError, ValueError, pl.exceptions.PolarsError):
            return None
        return frames[_SINGLE] if list(frames) == [_SINGLE] else frames

    def save(self, key: tuple[str, ...], frames: Frames) -> None:
        """Store ``frames`` under ``key`` (whole or not at all); a failure to write only costs the next process time."""
        named = {_SINGLE: frames} if isinstance(frames, pl.DataFrame) else frames
        target = self._dir(key)
        if target.exists():
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
            for i, frame in enumerate(named.values()):
                frame.write_ipc(tmp / f"{i}.arrow", compression="lz4")
            (tmp / "names.json").write_text(json.dumps(list(named)), encoding="utf-8")
            try:
                os.rename(tmp, target)
            except OSError:  # another process stored it first
                shutil.rmtree(tmp, ignore_errors=True)
            self._prune()
        except OSError:
            return

    def _prune(self) -> None:
        spaces = sorted((p for p in self.root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in spaces[self.keep:]:
            if old.name != self.namespace:
                shutil.rmtree(old, ignore_errors=True)
