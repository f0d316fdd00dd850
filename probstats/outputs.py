"""Safe outputs: atomic writes, a build lock, a manifest, and which folders a build may write.

How ``probstats build`` writes
------------------------------
1. **Refuse unsafe folders first** (:func:`check_output_folders`), before anything
   is read or written. An output folder may not be the raw data folder or lie
   inside it; may not hold raw tables; may not lie inside the installed package;
   and may not hold files that no build made (``force`` allows such files: they
   are then left alone, never deleted or overwritten).
2. **Lock** each output folder (``.probstats-build.lock``, with :mod:`filelock`):
   a second build waits for the first to finish (up to a timeout) and then
   writes its own complete set, so two builds never mix. The lock is an
   operating-system lock, released when a build ends or is killed.
3. **Write atomically** (:func:`write_bytes`): each file goes to a temporary file
   in the same folder, is flushed to disk and moved into place with
   :func:`os.replace`. A reader sees the old file or the new one, never a part.
   Before each file is written its name is appended to the folder's journal
   (``.probstats-journal``), so the files of a build that never finished are
   still known as a build's own, not taken for someone else's.
4. **Remove stale outputs**: files the previous build wrote (listed in its
   manifest or journal) that this build no longer makes. Nothing else is ever
   deleted.
5. **Write the manifest last** (``.probstats-manifest.json``): the SHA-256, size
   and, for CSV files, number of rows of every file the build wrote, and a digest
   of the raw inputs it read. Then the journal is removed.

Readers check that manifest (:func:`verified_bytes`, :func:`verify_folder`): a file
changed since its build, missing, or written by a build that did not finish (a
SIGKILL, a power cut, a build still running) no longer matches, and the loaders
and ``probstats validate`` say so with :class:`~probstats.errors.IncompleteBuildError`
naming the file. A truncated CSV or a header-only file cannot pass for a table
with fewer rows.

Code that writes build outputs should call :func:`write_bytes`: inside a
:class:`Build` the file is then checked against the folder's ownership rules and
listed in the manifest automatically.
"""

from __future__ import annotations

import contextvars
import csv
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from probstats.dataset.paths import data_dir, package_dir
from probstats.dataset.schema import RAW_TABLES
from probstats.errors import IncompleteBuildError, Problem, UnsafeOutputError

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "LOCK_NAME",
    "MANIFEST_NAME",
    "Build",
    "FileEntry",
    "Manifest",
    "check_output_folders",
    "inputs_digest",
    "lock_held",
    "verified_bytes",
    "verify_folder",
    "write_bytes",
]

MANIFEST_NAME = ".probstats-manifest.json"
LOCK_NAME = ".probstats-build.lock"
JOURNAL_NAME = ".probstats-journal"
TEMP_SUFFIX = ".probstats-tmp"
MANIFEST_FORMAT = 1

#: Seconds a build waits for another build writing to the same folder.
DEFAULT_LOCK_TIMEOUT = 600.0

#: Subfolders a build writes into, by kind of output folder.
SUBFOLDERS: dict[str, tuple[str, ...]] = {"figures": ("tables",)}

#: Files an operating system leaves in folders; never counted as someone's data.
_SYSTEM_FILES = frozenset({"Thumbs.db", "desktop.ini"})

#: Option that sets each kind of folder, for messages.
_OPTION = {"processed": "--out", "figures": "--figures"}

_ACTIVE: contextvars.ContextVar[Build | None] = contextvars.ContextVar(
    "probstats_build", default=None
)


def _noop(message: str) -> None:
    return None


# --------------------------------------------------------------------------- writing


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it, move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}{TEMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~_UMASK)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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


# --------------------------------------------------------------------------- the manifest


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def csv_rows(data: bytes) -> int | None:
    """Number of records after the header of a CSV file (``None`` if unreadable).

    Examples
    --------
    >>> from probstats.outputs import csv_rows
    >>> csv_rows(b'a,b\\n1,"two\\nlines"\\n3,4\\n')
    2
    """
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), strict=True)
        return max(sum(1 for row in reader if row) - 1, 0)
    except (UnicodeDecodeError, csv.Error):
        return None


@dataclass(frozen=True)
class FileEntry:
    """What the manifest records about one file."""

    sha256: str
    bytes: int
    rows: int | None = None

    @classmethod
    def of(cls, name: str, data: bytes) -> FileEntry:
        rows = csv_rows(data) if name.endswith(".csv") else None
        return cls(sha256(data), len(data), rows)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"bytes": self.bytes, "sha256": self.sha256}
        if self.rows is not None:
            out["rows"] = self.rows
        return out


@dataclass(frozen=True)
class Manifest:
    """The manifest of one output folder: every file its last build wrote."""

    files: dict[str, FileEntry]
    inputs: str | None = None

    def to_bytes(self) -> bytes:
        body = {
            "format": MANIFEST_FORMAT,
            "generator": "probstats build",
            "inputs_sha256": self.inputs,
            "files": {name: self.files[name].as_dict() for name in sorted(self.files)},
        }
        return (json.dumps(body, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The manifest in ``folder``, ``None`` if there is none.

        Raises
        ------
        IncompleteBuildError
            If the manifest exists but cannot be read.
        """
        path = Path(folder) / MANIFEST_NAME
        try:
            body = json.loads(path.read_bytes().decode("utf-8"))
            files = {
                str(name): FileEntry(str(e["sha256"]), int(e["bytes"]), e.get("rows"))
                for name, e in body["files"].items()
            }
            return cls(files, body.get("inputs_sha256"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IncompleteBuildError(
                [Problem(str(path), None, None, f"build manifest is unreadable ({exc})")]
            ) from None


def inputs_digest(raw_dir: Path) -> str:
    """SHA-256 over the raw tables in ``raw_dir`` (names and contents)."""
    h = hashlib.sha256()
    for table in sorted(RAW_TABLES):
        path = Path(raw_dir) / f"{table}.csv"
        if path.is_file():
            h.update(f"{table}.csv\0{sha256(path.read_bytes())}\n".encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- checking


def lock_held(folder: Path) -> bool:
    """Whether a build holds the lock of ``folder`` now (``False`` where this cannot
    be told without writing)."""
    path = Path(folder) / LOCK_NAME
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _why(folder: Path) -> str:
    if lock_held(folder):
        return "a build is writing this folder now; wait for it to finish"
    return "an interrupted or concurrent build, or an edit by hand; run `probstats build`"


def _mismatch(path: Path, data: bytes, entry: FileEntry) -> Problem:
    rows = csv_rows(data) if path.suffix == ".csv" else None
    if rows is not None and entry.rows is not None and rows != entry.rows:
        detail = f"{rows} data rows, the build wrote {entry.rows}"
    elif len(data) != entry.bytes:
        detail = f"{len(data)} bytes, the build wrote {entry.bytes}"
    else:
        detail = "same size, different content"
    return Problem(
        str(path), None, None, f"does not match the build manifest ({detail}): {_why(path.parent)}"
    )


def _no_manifest(folder: Path) -> Problem:
    return Problem(
        str(Path(folder) / MANIFEST_NAME),
        None,
        None,
        "no build manifest: the folder was not made by `probstats build`, or its first "
        "build did not finish; run `probstats build`",
    )


def verified_bytes(path: str | Path) -> bytes:
    """The bytes of a build output, checked against its folder's manifest.

    Raises
    ------
    IncompleteBuildError
        If the folder has no manifest, the file is not in it, or its contents differ.
    """
    path = Path(path)
    data = path.read_bytes()
    manifest = Manifest.read(path.parent)
    if manifest is None:
        raise IncompleteBuildError([_no_manifest(path.parent)])
    entry = manifest.files.get(path.name)
    if entry is None:
        raise IncompleteBuildError(
            [Problem(str(path), None, None, "not listed in the build manifest of its folder")]
        )
    if sha256(data) != entry.sha256:
        raise IncompleteBuildError([_mismatch(path, data, entry)])
    return data


def _temp_files(folder: Path, subfolders: Iterable[str]) -> list[Path]:
    out = []
    for sub in (folder, *(folder / s for s in subfolders)):
        if sub.is_dir():
            out += sorted(p for p in sub.iterdir() if p.name.endswith(TEMP_SUFFIX))
    return out


def verify_folder(folder: str | Path) -> tuple[Manifest | None, list[Problem]]:
    """Check every file listed in ``folder``'s manifest; return the manifest and problems.

    Problems: no manifest; a listed file missing or different; a temporary file
    left by a build that did not finish.
    """
    folder = Path(folder)
    try:
        manifest = Manifest.read(folder)
    except IncompleteBuildError as exc:
        return None, exc.problems
    if manifest is None:
        return None, [_no_manifest(folder)]
    problems = []
    for name, entry in sorted(manifest.files.items()):
        path = folder / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            problems.append(
                Problem(
                    str(path),
                    None,
                    None,
                    f"listed in the build manifest but missing: {_why(folder)}",
                )
            )
            continue
        if sha256(data) != entry.sha256:
            problems.append(_mismatch(path, data, entry))
    if (folder / JOURNAL_NAME).is_file():
        problems.append(
            Problem(
                str(folder / JOURNAL_NAME),
                None,
                None,
                f"journal of a build that did not finish: {_why(folder)}",
            )
        )
    subfolders = {Path(n).parent.as_posix() for n in manifest.files} - {"."}
    for tmp in _temp_files(folder, subfolders):
        problems.append(
            Problem(str(tmp), None, None, f"temporary file of an unfinished build: {_why(folder)}")
        )
    return manifest, problems


# --------------------------------------------------------------------------- folders


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _header(path: Path) -> list[str] | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [c.strip() for c in next(csv.reader(fh), [])]
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in _SYSTEM_FILES


def _listed(manifest: Manifest | None) -> set[str]:
    return set(manifest.files) if manifest is not None else set()


def _raw_tables_in(folder: Path, listed: set[str]) -> list[str]:
    """Files in ``folder`` that are raw tables: a raw table's name, not written by a build,
    and either a table only raw data has or a raw table's exact header."""
    from probstats.dataset.build import PROCESSED_FILES

    found = []
    for table, columns in RAW_TABLES.items():
        path = folder / f"{table}.csv"
        if path.name in listed or not path.is_file():
            continue
        if table not in PROCESSED_FILES or _header(path) == [c.name for c in columns]:
            found.append(path.name)
    return found


def _foreign_files(folder: Path, kind: str, listed: set[str]) -> list[str]:
    out = []
    for sub in ("", *SUBFOLDERS.get(kind, ())):
        base = folder / sub if sub else folder
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and not _ignored(path.name) and rel not in listed:
                out.append(rel)
    return out


def _journal(folder: Path) -> set[str]:
    try:
        text = (folder / JOURNAL_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    return {line for line in text.split("\n") if line}


def _read_listed(folder: Path) -> set[str]:
    """Files a build made in ``folder``: those of its manifest and of an unfinished
    build's journal."""
    try:
        listed = _listed(Manifest.read(folder))
    except IncompleteBuildError:
        listed = set()
    return listed | _journal(folder)


# long: one check per rule, each with its own message
def check_output_folders(
    folders: Mapping[str, Path | None],
    *,
    raw_dir: Path | None = None,
    force: bool = False,
    running_ok: bool = False,
) -> None:
    """Refuse output folders a build must not write to; write nothing.

    Parameters
    ----------
    folders
        Output folders by kind (``"processed"``, ``"figures"``); ``None`` entries are skipped.
    raw_dir
        The raw data folder of this build (the default raw folder is always protected).
    force
        Accept folders holding files no build made (they are left alone).
    running_ok
        Skip the checks of a folder's contents while another build holds its lock
        (they are made again once this build holds the lock).

    Raises
    ------
    UnsafeOutputError
        Naming every refused folder and why.
    """
    protected = {data_dir("raw").resolve()}
    if raw_dir is not None:
        protected.add(Path(raw_dir).resolve())
    package = package_dir().resolve()
    reasons: list[str] = []
    seen: dict[Path, str] = {}
    for kind, folder in folders.items():
        if folder is None:
            continue
        folder = Path(folder).resolve()
        label = f"{kind} folder {folder} ({_OPTION.get(kind, kind)})"
        for sub in ("", *SUBFOLDERS.get(kind, ())):
            target = folder / sub if sub else folder
            if target in seen:
                reasons.append(f"{label}: the same folder as the {seen[target]} folder")
            seen[target] = kind
        if _inside(folder, package):
            reasons.append(
                f"{label}: inside the installed package ({package}); a build never writes "
                "there: choose a folder of your own"
            )
            continue
        for raw in sorted(protected):
            if _inside(folder, raw):
                reasons.append(f"{label}: is or lies inside the raw data folder {raw}")
        if not folder.is_dir() or (running_ok and lock_held(folder)):
            continue
        listed = _read_listed(folder)
        raw_files = _raw_tables_in(folder, listed)
        if raw_files:
            reasons.append(
                f"{label}: holds raw data ({', '.join(raw_files)}); a processed folder from "
                "a build older than build manifests must be emptied first"
            )
            continue
        foreign = _foreign_files(folder, kind, listed)
        if foreign and not force:
            more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
            shown = ", ".join(foreign[:5]) + more
            legacy = (
                ""
                if (folder / MANIFEST_NAME).is_file()
                else " (outputs of a build older than build manifests: delete them)"
            )
            reasons.append(
                f"{label}: holds files no build made ({shown}){legacy}; move them, choose "
                "an empty folder, or pass --force to write beside them (they are never "
                "deleted or overwritten)"
            )
    if reasons:
        raise UnsafeOutputError("refusing to write:\n  " + "\n  ".join(reasons))


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
            _atomic_write(manifest, Manifest(entries, self.inputs).to_bytes())
            (folder / JOURNAL_NAME).unlink(missing_ok=True)
            _fsync_dir(folder)
            manifests.append(manifest)
        return manifests


def building(path: str | Path) -> bool:
    """Whether a :class:`Build` covering ``path`` is active in this context."""
    build = _ACTIVE.get()
    return build is not None and build.covers(Path(path) / MANIFEST_NAME)
