"""Where the data lives: the checkout's ``data/`` or the copy shipped in the wheel."""

from __future__ import annotations

import os
from pathlib import Path

from probstats.errors import InvalidArgumentError

_PACKAGE = Path(__file__).resolve().parent.parent


def package_dir() -> Path:
    """The folder of the ``probstats`` package itself (a build never writes inside it)."""
    return _PACKAGE


def project_root() -> Path | None:
    """The checkout's root directory, or ``None`` when running from an installed wheel."""
    root = _PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "data" / "raw").is_dir():
        return root
    return None


def data_dir(kind: str = "processed") -> Path:
    """Directory of ``raw`` or ``processed`` data.

    ``PROBSTATS_DATA_DIR`` (a folder holding ``raw/`` and ``processed/``)
    overrides; then the checkout's ``data/``; then the copy in the package.

    Examples
    --------
    >>> from probstats.dataset.paths import data_dir
    >>> data_dir("raw").name
    'raw'
    """
    if kind not in ("raw", "processed"):
        raise InvalidArgumentError(f"kind must be 'raw' or 'processed', got {kind!r}")
    override = os.environ.get("PROBSTATS_DATA_DIR")
    if override:
        return Path(override) / kind
    root = project_root()
    if root is not None:
        return root / "data" / kind
    return _PACKAGE / "_data" / kind


#: Where ``probstats build`` writes when it runs from an installed package, relative
#: to the current directory (an installed package never writes into itself).
INSTALLED_OUTPUT = "probstats-output"


def default_output_dirs() -> tuple[Path, Path]:
    """Default ``(processed, figures)`` folders of ``probstats build``.

    In a checkout (or with ``PROBSTATS_DATA_DIR`` set): ``data/processed`` and
    ``figures`` of the project. From an installed package:
    ``./probstats-output/processed`` and ``./probstats-output/figures`` in the
    current directory.

    Examples
    --------
    >>> from probstats.dataset.paths import default_output_dirs
    >>> [p.name for p in default_output_dirs()]
    ['processed', 'figures']
    """
    root = project_root()
    if os.environ.get("PROBSTATS_DATA_DIR") or root is not None:
        return data_dir("processed"), (root if root is not None else Path.cwd()) / "figures"
    out = Path.cwd() / INSTALLED_OUTPUT
    return out / "processed", out / "figures"
