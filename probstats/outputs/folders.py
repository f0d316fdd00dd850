"""Which folders a build may write to (see :mod:`probstats.outputs`)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from probstats.dataset.paths import data_dir, package_dir
from probstats.dataset.schema import RAW_TABLES
from probstats.errors import IncompleteBuildError, UnsafeOutputError
from probstats.outputs.files import MANIFEST_NAME, Manifest, _read_listed, lock_held

#: Subfolders a build writes into, by kind of output folder.
SUBFOLDERS: dict[str, tuple[str, ...]] = {"figures": ("tables",)}

#: Files an operating system leaves in folders; never counted as someone's data.
_SYSTEM_FILES = frozenset({"Thumbs.db", "desktop.ini"})

#: Option that sets each kind of folder, for messages.
_OPTION = {"processed": "--out", "figures": "--figures"}


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


def _other_kind(folder: Path, kind: str) -> str | None:
    """The kind of outputs the folder's manifest records, if not ``kind``."""
    try:
        manifest = Manifest.read(folder)
    except IncompleteBuildError:
        return None
    if manifest is None or manifest.kind in (None, kind):
        return None
    return manifest.kind


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
        other = _other_kind(folder, kind)
        if other is not None:
            reasons.append(f"{label}: holds the {other} outputs of a build; choose another folder")
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
