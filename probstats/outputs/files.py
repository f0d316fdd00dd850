"""Atomic writes, the manifest and checking files against it (see :mod:`probstats.outputs`)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from probstats.dataset.schema import RAW_TABLES
from probstats.errors import IncompleteBuildError, Problem

MANIFEST_NAME = ".probstats-manifest.json"
LOCK_NAME = ".probstats-build.lock"
JOURNAL_NAME = ".probstats-journal"
TEMP_SUFFIX = ".probstats-tmp"
MANIFEST_FORMAT = 1

#: Seconds a build waits for another build writing to the same folder.
DEFAULT_LOCK_TIMEOUT = 600.0


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
    #: Kind of output folder (``"processed"``, ``"figures"``).
    kind: str | None = None

    def to_bytes(self) -> bytes:
        body = {
            "format": MANIFEST_FORMAT,
            "generator": "probstats build",
            "kind": self.kind,
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
            return cls(files, body.get("inputs_sha256"), body.get("kind"))
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
        manifest = Manifest.read(folder)
        listed = set(manifest.files) if manifest is not None else set()
    except IncompleteBuildError:
        listed = set()
    return listed | _journal(folder)
