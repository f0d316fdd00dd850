"""House style: palette, rating colours, rc context, titles and alt text."""

from __future__ import annotations

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from probstats.dataset.ratings import RATINGS
from probstats.report.style import (
    HASHSALT,
    PALETTE,
    RATING_COLOURS,
    FigureMetadataError,
    add_note,
    add_titles,
    contrast_ratio,
    figure_meta,
    get_alt_text,
    house_style,
    new_figure,
    no_data,
    panel_title,
    rating_colour,
    set_alt_text,
)


def test_palette_is_the_analysis_function_palette_in_order():
    assert PALETTE == ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")


def test_ratings_take_the_palette_from_best_to_worst():
    assert RATING_COLOURS == {
        "Outstanding": "#12436D",
        "Good": "#28A197",
        "Requires improvement": "#801650",
        "Inadequate": "#F46A25",
    }
    assert set(RATING_COLOURS) == set(RATINGS)
    assert rating_colour("Good") == "#28A197"
    with pytest.raises(FigureMetadataError, match="unknown rating"):
        rating_colour("Fine")


def test_contrast_ratio_matches_published_wcag_values():
    # Reference values from the WCAG definition: black on white 21:1; #767676 on white 4.54:1.
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#FFFFFF", "#767676") == contrast_ratio("#767676", "#FFFFFF")


def test_neighbouring_ratings_keep_three_to_one_contrast():
    ordered = [RATING_COLOURS[r] for r in RATINGS]
    for a, b in zip(ordered, ordered[1:], strict=False):
        assert contrast_ratio(a, b) >= 3.0, (a, b)


def test_house_style_applies_and_restores_rc():
    before = mpl.rcParams["svg.hashsalt"]
    with house_style({"font.size": 11}):
        assert mpl.rcParams["svg.hashsalt"] == HASHSALT
        assert mpl.rcParams["font.size"] == 11
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(PALETTE)
        assert mpl.rcParams["axes.spines.top"] is False
    assert mpl.rcParams["svg.hashsalt"] == before


def test_alt_text_round_trip_and_validation():
    fig = Figure()
    assert get_alt_text(fig) is None
    set_alt_text(fig, "  A chart\nof ratings.  ")
    assert get_alt_text(fig) == "A chart of ratings."
    for bad in ("", "   ", None):
        with pytest.raises(FigureMetadataError):
            set_alt_text(fig, bad)


def test_titles_sit_above_the_axes_and_source_below():
    with house_style():
        fig, (ax,) = new_figure()
        ax.plot([0, 1], [0, 1])
        ax.set_xlabel("x label")
        long_title = "A rather long headline that says what the chart shows " * 2
        add_titles(fig, long_title, "Counts; n = 10", "Source: somewhere")
    texts = {t.get_gid(): t for t in fig.texts}
    assert set(texts) == {"probstats-title", "probstats-subtitle", "probstats-source"}
    assert texts["probstats-title"].get_text().count("\n") >= 1  # wrapped to the width
    assert figure_meta(fig)["title"] == long_title
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    axes_box = ax.get_tightbbox(renderer)
    for gid in ("probstats-title", "probstats-subtitle"):
        assert texts[gid].get_window_extent(renderer).y0 >= axes_box.y1 - 1
    assert texts["probstats-source"].get_window_extent(renderer).y1 <= axes_box.y0 + 1
    fig_box = fig.bbox
    assert texts["probstats-title"].get_window_extent(renderer).y1 <= fig_box.y1


def test_add_titles_requires_a_title():
    fig, _ = new_figure()
    with pytest.raises(FigureMetadataError):
        add_titles(fig, "  ")


def test_panel_title_note_and_no_data():
    fig, (ax,) = new_figure()
    panel_title(ax, "PDUs", "n = 3 shown; 1 without the measure")
    assert ax.get_title(loc="left") == "PDUs\nn = 3 shown; 1 without the measure"
    no_data(ax, "Nothing")
    assert [t.get_text() for t in ax.texts] == ["Nothing"]
    assert ax.get_xticks().size == 0
    add_note(fig, "a note")
    assert figure_meta(fig)["notes"] == ["a note"]
