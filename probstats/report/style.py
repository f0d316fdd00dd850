"""House style for figures: palette, rating colours, rc settings, titles and alt text.

The colours are the UK Government Analysis Function's accessible categorical
palette, copied here as constants (the packages that ship it pull in plotly).
Ratings take the first four colours in scale order from the top
(Outstanding, Good, Requires improvement, Inadequate), so that neighbouring
ratings keep at least 3:1 contrast with each other.

Every figure carries a headline title, a statistical subtitle, a source line
and alt text. They are stored on the figure (see :func:`figure_meta`) so that
:func:`probstats.report.render.save_figure` can write them next to the image.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
from cycler import cycler
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from probstats.dataset.ratings import RATINGS
from probstats.errors import FigureMetadataError

__all__ = [
    "PALETTE",
    "RATING_COLOURS",
    "RATINGS_BEST_FIRST",
    "TEXT_COLOUR",
    "MUTED_COLOUR",
    "MISSING_COLOUR",
    "HASHSALT",
    "HOUSE_RC",
    "DEFAULT_SOURCE",
    "REPORT_WIDTH",
    "FigureMetadataError",
    "house_style",
    "new_figure",
    "add_titles",
    "set_alt_text",
    "get_alt_text",
    "figure_meta",
    "add_note",
    "panel_title",
    "no_data",
    "rating_colour",
    "contrast_ratio",
]

#: Analysis Function accessible categorical palette, in its published order.
PALETTE: tuple[str, ...] = (
    "#12436D",  # dark blue
    "#28A197",  # turquoise
    "#801650",  # dark pink
    "#F46A25",  # orange
    "#3D3D3D",  # dark grey
    "#A285D1",  # light purple
)

#: Ratings from best to worst: the order of the palette and of legends.
RATINGS_BEST_FIRST: tuple[str, ...] = tuple(reversed(RATINGS))

#: One fixed colour per rating, used by every figure.
RATING_COLOURS: dict[str, str] = dict(zip(RATINGS_BEST_FIRST, PALETTE[:4], strict=True))

#: GOV.UK text black; a grey for secondary text with 4.5:1 contrast on white.
TEXT_COLOUR = "#0B0C0C"
MUTED_COLOUR = "#505A5F"
#: Fill for "not known" cells and "no data" panels.
MISSING_COLOUR = "#E6E6E6"

#: Fixed salt so that SVG element ids are the same on every run.
HASHSALT = "probstats"

#: Width of a figure spanning an A4 report's text block (inches, about 17 cm).
REPORT_WIDTH = 6.7

DEFAULT_SOURCE = (
    "Source: HM Inspectorate of Probation inspection reports and the staffing figures they "
    "state, compiled in the probstats dataset."
)

#: rc settings of the house style: readable when a figure is printed at report width.
HOUSE_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib, so output is the same everywhere
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "legend.frameon": False,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": MUTED_COLOUR,
    "xtick.color": MUTED_COLOUR,
    "ytick.color": MUTED_COLOUR,
    "xtick.labelcolor": TEXT_COLOUR,
    "ytick.labelcolor": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": "#D9D9D9",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "lines.linewidth": 2.0,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "svg.hashsalt": HASHSALT,
    "svg.fonttype": "path",  # glyphs as paths: the SVG looks the same without our fonts
    "pdf.fonttype": 42,
}

_TITLE_SIZE = 12.0
_SUBTITLE_SIZE = 9.5
_SOURCE_SIZE = 8.0
_LINE_SPACING = 1.3
_MARGIN_IN = 0.08
_META_ATTR = "_probstats_meta"


@contextmanager
def house_style(extra: Mapping[str, Any] | None = None) -> Iterator[None]:
    """Context manager applying :data:`HOUSE_RC` (plus ``extra``) to figures made inside it.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from probstats.report.style import house_style
    >>> with house_style():
    ...     mpl.rcParams["svg.hashsalt"]
    'probstats'
    """
    rc = dict(HOUSE_RC)
    if extra:
        rc.update(extra)
    with mpl.rc_context(rc):
        yield


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float = REPORT_WIDTH,
    height: float = 4.2,
    **subplot_kw: Any,
) -> tuple[Figure, list[Axes]]:
    """A constrained-layout figure (not registered with pyplot) and its axes as a flat list.

    Call inside :func:`house_style` so the axes pick up the house rc settings.

    Examples
    --------
    >>> from probstats.report.style import new_figure
    >>> fig, axes = new_figure(1, 2)
    >>> len(axes)
    2
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, list(axes.ravel())


def figure_meta(fig: Figure) -> dict[str, Any]:
    """The metadata stored on ``fig``: title, subtitle, source, alt_text, notes, made_by.

    Examples
    --------
    >>> from probstats.report.style import figure_meta
    >>> from matplotlib.figure import Figure
    >>> figure_meta(Figure())["notes"]
    []
    """
    meta = getattr(fig, _META_ATTR, None)
    if meta is None:
        meta = {
            "title": None,
            "subtitle": None,
            "source": None,
            "alt_text": None,
            "notes": [],
            "made_by": None,
        }
        setattr(fig, _META_ATTR, meta)
    return meta


def set_alt_text(fig: Figure, text: str) -> None:
    """Store the alternative text describing ``fig`` for readers who cannot see it.

    Raises
    ------
    FigureMetadataError
        If ``text`` is empty or not a string.

    Examples
    --------
    >>> from probstats.report.style import get_alt_text
    >>> from probstats.report.style import set_alt_text
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> set_alt_text(fig, "Bar chart of ratings by year.")
    >>> get_alt_text(fig)
    'Bar chart of ratings by year.'
    """
    if not isinstance(text, str) or not text.strip():
        raise FigureMetadataError("alt text must be a non-empty string")
    figure_meta(fig)["alt_text"] = " ".join(text.split())


def get_alt_text(fig: Figure) -> str | None:
    """The alt text stored by :func:`set_alt_text`, or ``None`` if none was set.

    Examples
    --------
    >>> from probstats.report.style import get_alt_text
    >>> from matplotlib.figure import Figure
    >>> get_alt_text(Figure()) is None
    True
    """
    return figure_meta(fig)["alt_text"]


def _wrap(text: str, width_in: float, fontsize: float, *, bold: bool = False) -> str:
    # DejaVu Sans averages about 0.57 em per character (0.64 in bold), with some slack.
    chars = max(20, int(width_in * 72 / (fontsize * (0.64 if bold else 0.57))))
    return "\n".join(textwrap.fill(par, chars, break_on_hyphens=False) for par in text.split("\n"))


def _height_in(text: str, fontsize: float) -> float:
    return (text.count("\n") + 1) * fontsize * _LINE_SPACING / 72


def add_titles(
    fig: Figure,
    title: str,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
    *,
    legend_handles: Sequence[Artist] | None = None,
    legend_ncols: int | None = None,
) -> None:
    """Add a headline title and statistical subtitle above the axes and a source line below.

    Text is wrapped to the figure's width and the constrained layout is told to
    keep the axes clear of it. Call once, after the axes are drawn.

    Parameters
    ----------
    fig
        Figure made by :func:`new_figure` (constrained layout).
    title, subtitle, source
        Headline (a finding, in words), statistical subtitle (what is shown, n,
        intervals), source line; ``None`` omits subtitle or source.
    legend_handles, legend_ncols
        A figure-wide legend placed under the subtitle, in ``legend_ncols`` columns
        (default: all in one row).

    Examples
    --------
    >>> from probstats.report.style import add_titles
    >>> from probstats.report.style import figure_meta
    >>> from probstats.report.style import new_figure
    >>> fig, (ax,) = new_figure()
    >>> add_titles(fig, "Most inspections rated Requires improvement", "n = 40", "Source: x")
    >>> figure_meta(fig)["subtitle"]
    'n = 40'
    """
    if not isinstance(title, str) or not title.strip():
        raise FigureMetadataError("a figure needs a non-empty headline title")
    meta = figure_meta(fig)
    width, height = fig.get_size_inches()
    usable = width - 2 * _MARGIN_IN
    x0 = _MARGIN_IN / width
    top_in = _MARGIN_IN
    blocks: list[tuple[str, float, str, str]] = [(title, _TITLE_SIZE, "bold", TEXT_COLOUR)]
    if subtitle:
        blocks.append((subtitle, _SUBTITLE_SIZE, "normal", MUTED_COLOUR))
    for i, (text, size, weight, colour) in enumerate(blocks):
        wrapped = _wrap(text, usable, size, bold=weight == "bold")
        fig.text(
            x0,
            1 - top_in / height,
            wrapped,
            ha="left",
            va="top",
            fontsize=size,
            fontweight=weight,
            color=colour,
            linespacing=_LINE_SPACING,
            gid=("probstats-title", "probstats-subtitle")[i],
        )
        top_in += _height_in(wrapped, size) + 0.06
    if legend_handles:
        ncols = legend_ncols or len(legend_handles)
        rows = -(-len(legend_handles) // ncols)
        size = HOUSE_RC["legend.fontsize"]
        fig.legend(
            handles=list(legend_handles),
            loc="upper left",
            ncols=ncols,
            frameon=False,
            bbox_to_anchor=(x0, 1 - top_in / height),
            borderaxespad=0,
            borderpad=0,
            handlelength=1.4,
            columnspacing=1.2,
            fontsize=size,
        )
        top_in += rows * size * 1.55 / 72 + 0.08
    bottom_in = _MARGIN_IN
    if source:
        wrapped = _wrap(source, usable, _SOURCE_SIZE)
        fig.text(
            x0,
            bottom_in / height,
            wrapped,
            ha="left",
            va="bottom",
            fontsize=_SOURCE_SIZE,
            color=MUTED_COLOUR,
            linespacing=_LINE_SPACING,
            gid="probstats-source",
        )
        bottom_in += _height_in(wrapped, _SOURCE_SIZE) + 0.04
    engine = fig.get_layout_engine()
    rect = (0.0, bottom_in / height, 1.0, 1 - (top_in + bottom_in) / height)
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        engine.set(rect=rect)
    else:
        fig.subplots_adjust(bottom=rect[1] + 0.08, top=rect[1] + rect[3] - 0.02)
    meta.update(title=title, subtitle=subtitle, source=source)


def panel_title(ax: Axes, title: str | None = None, note: str | None = None) -> None:
    """Left-aligned panel title with an optional note below (e.g. ``n = .. shown``).

    Both are wrapped to the width of the axes' column.

    Examples
    --------
    >>> from probstats.report.style import new_figure
    >>> from probstats.report.style import panel_title
    >>> fig, (ax,) = new_figure()
    >>> panel_title(ax, "PDUs", "n = 3")
    >>> ax.get_title(loc="left")
    'PDUs\\nn = 3'
    """
    fig = ax.get_figure()
    ncols = ax.get_subplotspec().get_gridspec().ncols if ax.get_subplotspec() else 1
    # Leave room for the y tick labels, which sit left of where the title starts.
    width = (fig.get_size_inches()[0] if fig is not None else REPORT_WIDTH) / ncols - 1.1
    size = HOUSE_RC["axes.titlesize"]
    text = "\n".join(_wrap(t, width, size) for t in (title, note) if t)
    ax.set_title(text, loc="left", fontsize=HOUSE_RC["axes.titlesize"])


def add_note(fig: Figure, note: str) -> None:
    """Record a note about the data (e.g. rows not shown and why) in the figure's metadata.

    Notes are also appended to the alt text by the figure functions, so that a
    reader of either knows what was left out.

    Examples
    --------
    >>> from probstats.report.style import add_note
    >>> from probstats.report.style import figure_meta
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> add_note(fig, "3 inspections without a date are not shown.")
    >>> figure_meta(fig)["notes"]
    ['3 inspections without a date are not shown.']
    """
    figure_meta(fig)["notes"].append(note)


def no_data(ax: Axes, message: str = "No data to show") -> None:
    """Replace an axes' content with a centred "no data" message.

    Examples
    --------
    >>> from probstats.report.style import new_figure
    >>> from probstats.report.style import no_data
    >>> fig, (ax,) = new_figure()
    >>> no_data(ax, "No inspection has this measure")
    >>> ax.texts[0].get_text()
    'No inspection has this measure'
    """
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_facecolor(MISSING_COLOUR)
    ax.text(
        0.5,
        0.5,
        textwrap.fill(message, 30),
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=10,
        color=TEXT_COLOUR,
        gid="probstats-no-data",
    )


def rating_colour(rating: str) -> str:
    """The house colour of a rating label.

    Examples
    --------
    >>> from probstats.report.style import rating_colour
    >>> rating_colour("Good")
    '#28A197'
    """
    try:
        return RATING_COLOURS[rating]
    except KeyError:
        raise FigureMetadataError(
            f"unknown rating {rating!r}; expected one of {', '.join(RATINGS_BEST_FIRST)}"
        ) from None


def _relative_luminance(colour: str) -> float:
    r, g, b = mpl.colors.to_rgb(colour)

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two colours (1 to 21).

    Examples
    --------
    >>> from probstats.report.style import contrast_ratio
    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    """
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
