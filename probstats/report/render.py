"""Save figures byte-identically with their alt text, and index them in a README.

Saving the same figure twice gives the same bytes: the SVG hash salt is fixed
and the metadata that would carry a date or a library version is removed (PNG
``Software``, SVG ``Date``). The figure's title and alt text are embedded in
both files (PNG text chunks, SVG Dublin Core metadata) and written to a
``<stem>.alt.txt`` sidecar. Every file is written atomically
(:func:`probstats.outputs.write_bytes`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure

from probstats.errors import InvalidArgumentError
from probstats.outputs import write_bytes
from probstats.report.style import FigureMetadataError, figure_meta, get_alt_text, house_style

__all__ = ["FigureRecord", "save_figure", "figure_index_markdown", "write_figure_index"]

#: Output formats and the metadata that makes each byte-identical.
_FORMATS: dict[str, dict[str, object]] = {
    "png": {"Software": None},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
}


@dataclass(frozen=True)
class FigureRecord:
    """What :func:`save_figure` wrote: files, title, alt text and the function that made it."""

    stem: str
    files: tuple[Path, ...]
    title: str
    alt_text: str
    made_by: str | None = None
    subtitle: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _metadata(fmt: str, title: str, alt: str) -> dict[str, object]:
    meta = dict(_FORMATS[fmt])
    if fmt == "svg":
        meta.update(Title=title, Description=alt)
    elif fmt == "png":
        meta.update(Title=title, Description=alt)
    else:
        meta.update(Title=title, Subject=alt)
    return meta


def save_figure(
    fig: Figure,
    path_stem: str | Path,
    *,
    formats: tuple[str, ...] = ("png", "svg"),
    dpi: int = 300,
) -> FigureRecord:
    """Write ``fig`` as ``<stem>.png`` (300 dpi) and ``<stem>.svg`` plus ``<stem>.alt.txt``.

    Parameters
    ----------
    fig
        A figure with a title (see :func:`probstats.report.style.add_titles`) and alt text.
    path_stem
        Path without suffix, e.g. ``figures/ratings_by_region``; folders are created.
    formats
        Any of ``"png"``, ``"svg"``, ``"pdf"``.
    dpi
        Resolution of raster output.

    Returns
    -------
    FigureRecord

    Raises
    ------
    FigureMetadataError
        If the figure has no alt text or no title: every published figure needs both.

    Examples
    --------
    >>> from probstats.report.render import save_figure
    >>> import tempfile, pathlib
    >>> from probstats.report.style import new_figure, add_titles, set_alt_text
    >>> fig, (ax,) = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> add_titles(fig, "A line", "Two points")
    >>> set_alt_text(fig, "A straight line from (0, 0) to (1, 1).")
    >>> rec = save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "line")
    >>> [p.suffix for p in rec.files]
    ['.png', '.svg', '.txt']
    """
    unknown = [f for f in formats if f not in _FORMATS]
    if unknown:
        raise InvalidArgumentError(f"unknown format(s) {unknown}; allowed are {sorted(_FORMATS)}")
    meta = figure_meta(fig)
    alt = get_alt_text(fig)
    if not alt:
        raise FigureMetadataError(
            "set alt text (probstats.report.style.set_alt_text) before saving"
        )
    title = meta.get("title")
    if not title:
        raise FigureMetadataError(
            "add a headline title (probstats.report.style.add_titles) before saving"
        )
    stem = Path(path_stem)
    files: list[Path] = []
    with house_style():  # svg.hashsalt and fonttype are read when saving
        for fmt in formats:
            path = stem.with_name(f"{stem.name}.{fmt}")
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(fmt, title, alt))
            files.append(write_bytes(path, buffer.getvalue()))  # atomic: never a partial file
    alt_path = stem.with_name(f"{stem.name}.alt.txt")
    files.append(write_bytes(alt_path, (alt + "\n").encode("utf-8")))
    return FigureRecord(
        stem=stem.name,
        files=tuple(files),
        title=title,
        alt_text=alt,
        made_by=meta.get("made_by"),
        subtitle=meta.get("subtitle"),
        notes=tuple(meta.get("notes", ())),
    )


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _link(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return Path(path).resolve().relative_to(base).as_posix()
        except ValueError:
            pass
    return Path(path).name


def figure_index_markdown(records: list[FigureRecord], *, relative_to: Path | None = None) -> str:
    """Markdown index of saved figures: file, title, alt text and the function that made it.

    Links are relative to ``relative_to`` when the files lie inside it, else bare file names.

    Examples
    --------
    >>> from probstats.report.render import FigureRecord
    >>> from probstats.report.render import figure_index_markdown
    >>> from pathlib import Path
    >>> rec = FigureRecord("a", (Path("a.png"),), "Title", "Alt.", "probstats.report.figures.f")
    >>> print(figure_index_markdown([rec]).splitlines()[-1])
    | [a.png](a.png) | Title | Alt. | `probstats.report.figures.f` |
    """
    base = Path(relative_to).resolve() if relative_to is not None else None
    lines = [
        "# Figures",
        "",
        "Generated by `probstats build`; do not edit by hand. Each figure is saved as PNG "
        "(300 dpi) and SVG; its alt text is also in `<name>.alt.txt`.",
        "",
        "| figure | title | alt text | made by |",
        "|---|---|---|---|",
    ]
    for rec in records:
        image = next((p for p in rec.files if Path(p).suffix in (".png", ".svg")), rec.files[0])
        link = _link(image, base)
        made = f"`{rec.made_by}`" if rec.made_by else ""
        lines.append(f"| [{link}]({link}) | {_cell(rec.title)} | {_cell(rec.alt_text)} | {made} |")
    return "\n".join(lines) + "\n"


def write_figure_index(records: list[FigureRecord], path: str | Path) -> Path:
    """Write :func:`figure_index_markdown` to ``path`` (e.g. ``figures/README.md``).

    Links are relative to the README's folder; records are listed in the order given.

    Examples
    --------
    >>> from probstats.report.render import FigureRecord
    >>> from probstats.report.render import write_figure_index
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> rec = FigureRecord("a", (d / "sub" / "a.png",), "Title", "Alt.")
    >>> "[sub/a.png](sub/a.png)" in write_figure_index([rec], d / "README.md").read_text()
    True
    """
    path = Path(path)
    text = figure_index_markdown(records, relative_to=path.parent)
    return write_bytes(path, text.encode("utf-8"))
