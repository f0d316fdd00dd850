"""One build's hold on its output folders (see :mod:`probstats.outputs`)."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from filelock import FileLock, Timeout

from probstats.errors import UnsafeOutputError
from probstats.outputs.files import (
    DEFAULT_LOCK_TIMEOUT,
    JOURNAL_NAME,
    LOCK_NAME,
    MANIFEST_NAME,
    FileEntry,
    Manifest,
    _atomic_write,
    _fsync_dir,
    _read_listed,
    _temp_files,
)
from probstats.outputs.folders import SUBFOLDERS, check_output_folders

_ACTIVE: contextvars.ContextVar[Build | None] = contextvars.ContextVar(
    "probstats_build", default=None
)


def _noop(message: str) -> None:
    return None


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path.

    Inside a :class:`Build` the file must not overwrite a file that no build made,
    and it is listed in the folder's manifest when the build commits.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from probstats.outputs import write_bytes
    >>> p = write_bytes(pathlib.Path(tempfile.mkdtemp()) / "a.txt", b"text\\n")
    >>> p.read_bytes(), sorted(x.name for x in p.parent.iterdir())
    (b'text\\n', ['a.txt'])
    """
    path = Path(path)
    build = _ACTIVE.get()
    if build is not None:
        build._before_write(path)
    _atomic_write(path, data)
    if build is not None:
        build._written.add(path.resolve())
    return path


# --------------------------------------------------------------------------- the build


class Build:
    """One build's hold on its output folders: check, lock, then commit a manifest.

    Use as a context manager around the writes, and call :meth:`commit` at the end::

        with Build({"processed": out, "figures": figs}, raw_dir=raw) as build:
            ...  # write with write_bytes()
            build.commit()

    Leaving the block without :meth:`commit` (an error, an interruption) leaves the
    previous manifest in place, so readers see that the folder is incomplete.
    """

    def __init__(
        self,
        folders: Mapping[str, Path | None],
        *,
        raw_dir: Path | None = None,
        inputs: str | None = None,
        force: bool = False,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        progress: Callable[[str], None] = _noop,
    ) -> None:
        self.folders = {k: Path(v).resolve() for k, v in folders.items() if v is not None}
        self.raw_dir = raw_dir
        self.inputs = inputs
        self.force = force
        self.lock_timeout = lock_timeout
        self.progress = progress
        self._locks: list[FileLock] = []
        self._previous: dict[Path, set[str]] = {}
        self._written: set[Path] = set()
        self._token: contextvars.Token | None = None

    def covers(self, path: str | Path) -> bool:
        """Whether ``path`` lies in one of this build's output folders."""
        return self._folder_of(Path(path).resolve()) is not None

    def _folder_of(self, path: Path) -> Path | None:
        inside = [f for f in self.folders.values() if f in path.parents]
        return max(inside, key=lambda f: len(f.parts)) if inside else None

    def _lock(self, folder: Path) -> None:
        lock = FileLock(str(folder / LOCK_NAME))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if self.lock_timeout <= 0:
                raise UnsafeOutputError(
                    f"another build is writing to {folder}; try again when it has finished"
                ) from None
            self.progress(f"waiting for another build writing to {folder}")
            try:
                lock.acquire(timeout=self.lock_timeout)
            except Timeout:
                raise UnsafeOutputError(
                    f"another build has been writing to {folder} for over "
                    f"{self.lock_timeout:g} s; refusing to wait longer"
                ) from None
        self._locks.append(lock)

    def __enter__(self) -> Build:
        check_output_folders(self.folders, raw_dir=self.raw_dir, force=self.force)
        try:
            for folder in sorted(set(self.folders.values())):
                folder.mkdir(parents=True, exist_ok=True)
                self._lock(folder)
            # Under the lock: what an earlier build left is now stable.
            check_output_folders(self.folders, raw_dir=self.raw_dir, force=self.force)
            for kind, folder in self.folders.items():
                self._previous[folder] = _read_listed(folder)
                for tmp in _temp_files(folder, SUBFOLDERS.get(kind, ())):
                    tmp.unlink(missing_ok=True)
        except BaseException:
            self._release()
            raise
        self._token = _ACTIVE.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _ACTIVE.reset(self._token)
            self._token = None
        self._release()

    def _release(self) -> None:
        while self._locks:
            self._locks.pop().release()

    def _before_write(self, path: Path) -> None:
        resolved = path.resolve()
        folder = self._folder_of(resolved)
        if folder is None or resolved in self._written:
            return
        rel = resolved.relative_to(folder).as_posix()
        if rel in self._previous[folder]:
            return
        if resolved.exists():
            raise UnsafeOutputError(
                f"refusing to overwrite {resolved}: no build made it (move it away and build again)"
            )
        with open(folder / JOURNAL_NAME, "a", encoding="utf-8") as fh:
            fh.write(rel + "\n")
        self._previous[folder].add(rel)

    def commit(self, written: Iterable[str | Path] = ()) -> list[Path]:
        """Remove stale outputs of the previous build, then write each folder's manifest.

        ``written`` adds files written without :func:`write_bytes`; they must lie in
        an output folder.

        Returns
        -------
        list of Path
            The manifests written.
        """
        mine: dict[Path, dict[str, Path]] = {f: {} for f in self.folders.values()}
        for path in {*self._written, *(Path(p).resolve() for p in written)}:
            folder = self._folder_of(path)
            if folder is not None:
                mine[folder][path.relative_to(folder).as_posix()] = path
        manifests = []
        for folder, files in mine.items():
            for rel in sorted(self._previous[folder] - set(files)):
                stale = folder / rel
                if stale.is_file():
                    stale.unlink()
                    self.progress(f"removed stale {stale}")
            entries = {rel: FileEntry.of(rel, path.read_bytes()) for rel, path in files.items()}
            manifest = folder / MANIFEST_NAME
            kind = next(k for k, f in self.folders.items() if f == folder)
            _atomic_write(manifest, Manifest(entries, self.inputs, kind).to_bytes())
            (folder / JOURNAL_NAME).unlink(missing_ok=True)
            _fsync_dir(folder)
            manifests.append(manifest)
        return manifests


def building(path: str | Path) -> bool:
    """Whether a :class:`Build` covering ``path`` is active in this context."""
    build = _ACTIVE.get()
    return build is not None and build.covers(Path(path) / MANIFEST_NAME)
