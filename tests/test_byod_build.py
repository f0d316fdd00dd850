"""``probstats build --staffing``: the whole publication from an analyst's own panel.

A synthetic panel of 120 PDUs (:func:`probstats.official.simulate_panel`, with synthetic
inspections whose ratings follow a proportional-odds model with a known effect of PO
shortfall) runs through the command line end to end; the ordinal model of the rating
on ``shortfall_po_pct`` must recover the simulated effect and every figure must be
made. A bad panel stops the build before anything is written, and a real-data build
never sees a synthetic row.
"""

from __future__ import annotations

import builtins
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from probstats.cli import main
from probstats.dataset.io import read_csv
from probstats.dataset.paths import data_dir
from probstats.dataset.vocab import SYNTHETIC_LABEL
from probstats.errors import UnsafeOutputError
from probstats.official.simulate import simulate_panel
from probstats.pipeline import build

REPO = Path(__file__).resolve().parent.parent
FIGURES = REPO / "figures"
#: Seed of the end-to-end study (the simulator's default); the slow test below checks
#: the interval's coverage over many seeds.
SEED = 0


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The synthetic study, written to disk, and the output of one build from it."""
    root = tmp_path_factory.mktemp("byod")
    study = simulate_panel(seed=SEED)
    paths = study.write(root / "synthetic")
    out = root / "out"
    code = main(
        [
            "build",
            "-q",
            "--raw",
            str(paths.raw),
            "--staffing",
            str(paths.panel),
            "--out",
            str(out),
        ]
    )
    return study, paths, out, code


def test_synthetic_build_recovers_the_simulated_po_shortfall_effect(synthetic):
    from probstats.report.analysis import ordinal_rating_model

    study, _, out, code = synthetic
    assert code == 0
    assert len(study.units) >= 100
    staffing = read_csv(out / "staffing_features.csv")
    features = read_csv(out / "features.csv")
    assert staffing["shortfall_po_pct"].notna().all()
    assert set(staffing["shortfall_po_pct_from"]) <= {
        "panel: vacancy_rate[PO]",
        "panel: 100 * (fte_target[PO] - fte_in_post[PO]) / fte_target[PO]",
    }
    assert staffing["shortfall_po_pct_lag_days"].between(0, 92).all()
    merged = features.drop(columns=[c for c in staffing if c != "inspection_id"], errors="ignore")
    merged = merged.merge(staffing, on="inspection_id")
    fit = ordinal_rating_model(merged, "shortfall_po_pct")
    assert fit.estimable
    row = fit.result.tidy().set_index("term").loc["shortfall_po_pct"]
    true = study.log_odds_ratio("shortfall_po_pct")  # log(0.6) / 10 per point
    assert row["conf_low"] < true < row["conf_high"]
    assert row["conf_high"] < 0  # and the data are adequate to see it
    # the build's own table holds the same fit
    table = pd.read_csv(out / "figures" / "tables" / "model_ordinal_tidy.csv")
    built = table.set_index("term").loc["shortfall_po_pct"]
    np.testing.assert_allclose(built["estimate"], row["estimate"], atol=5e-4)  # table rounds


def test_synthetic_build_makes_every_figure_with_the_panels_source_line(synthetic):
    _, _, out, _ = synthetic
    stems = sorted(p.name.removesuffix(".png") for p in FIGURES.glob("*.png"))
    assert stems, "the committed figures folder lists the publication's figures"
    for stem in stems:
        for suffix in (".png", ".svg", ".alt.txt"):
            assert (out / "figures" / f"{stem}{suffix}").is_file(), f"{stem}{suffix}"
        svg = (out / "figures" / f"{stem}.svg").read_text(encoding="utf-8")
        assert "SYNTHETIC data simulated by probstats" in svg, stem
        assert "compiled in the probstats dataset" not in svg, stem


def test_a_bad_panel_stops_the_build_with_located_errors_and_writes_nothing(
    synthetic, tmp_path, capsys
):
    _, paths, _, _ = synthetic
    bad = tmp_path / "my_staffing.csv"
    bad.write_text(
        "unit,period,measure,grade,value,provenance,private,notes\n"
        "Synthetic 001,2024-09,fte_in_post,PO,31.4,internal extract,true,\n"
        "Synthetic 001 PDU,2024-09,fte_in_post,PO,30.0,internal extract,true,\n"
        "Synthetc 002,2024-09,fte_in_post,PO,30.0,internal extract,true,\n"
        "Synthetic 003,2024-09,vacancy_rate,PO,140,internal extract,true,\n"
        "Synthetic 004,2099-01,fte_in_post,PO,20,internal extract,true,\n"
        "Synthetic 005,2024-09,fte_in_post,PO,20,,true,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["build", "-q", "--raw", str(paths.raw), "--staffing", str(bad), "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    for line, column, words in [
        (3, "unit", "duplicate figure"),
        (4, "unit", "unknown unit 'Synthetc 002'"),
        (5, "value", "percentage must be between 0 and 100"),
        (6, "period", "date is after"),
        (7, "provenance", "required value is missing"),
    ]:
        assert f"my_staffing.csv, line {line}, column '{column}': {words}" in err
    assert "did you mean 'Synthetic 002' (pdu-synthetic-002)" in err
    assert not out.exists()
    assert main(["validate", str(bad), "--units", str(paths.raw)]) == 1


def test_staffing_outputs_never_overwrite_the_committed_ones(synthetic, capsys):
    _, paths, _, _ = synthetic
    assert main(["build", "--raw", str(paths.raw), "--staffing", str(paths.panel)]) == 2
    assert "--staffing needs --out" in capsys.readouterr().err
    for out in (data_dir("processed"), data_dir("processed") / "mine"):
        with pytest.raises(UnsafeOutputError, match="committed outputs"):
            build(paths.raw, out, staffing=paths.panel)
    with pytest.raises(UnsafeOutputError, match="committed outputs"):
        build(
            paths.raw, data_dir("processed").parent / "x", figures_dir=FIGURES, staffing=paths.panel
        )
    assert not (data_dir("processed").parent / "x").exists()


# --------------------------------------------------------------------------- real data


def test_committed_real_outputs_contain_no_synthetic_rows():
    files = [*sorted((REPO / "data" / "processed").glob("*.csv"))]
    files += sorted(FIGURES.glob("*.alt.txt")) + sorted(FIGURES.glob("tables/*.csv"))
    files.append(FIGURES / "README.md")
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "SYNTHETIC" not in text and "example.invalid" not in text, path
    assert not (REPO / "data" / "processed" / "staffing_features.csv").exists()
    for path in sorted((REPO / "data" / "raw").glob("*.csv")):
        assert SYNTHETIC_LABEL not in path.read_text(encoding="utf-8"), path


def test_a_real_build_reads_only_data_raw(tmp_path, monkeypatch):
    raw = data_dir("raw").resolve()
    opened: list[Path] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        if isinstance(file, (str, Path)) and str(file).endswith(".csv"):
            opened.append(Path(file).resolve())
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    real_read = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda self: opened.append(self.resolve()) or real_read(self)
    )
    result = build(raw, tmp_path / "processed")
    assert result.staffing_features is None
    inputs = {p for p in opened if not p.is_relative_to(tmp_path)}
    assert inputs and all(p.is_relative_to(raw) for p in inputs), sorted(inputs - {raw})
    assert not (tmp_path / "processed" / "staffing_features.csv").exists()


# --------------------------------------------------------------------------- coverage


@pytest.mark.slow
def test_interval_covers_the_simulated_effect_in_most_seeds():
    """The 95% interval of the ordinal model covers the true PO shortfall effect in about
    95% of simulated studies (40 seeds; fitted to the simulator's own exposures)."""
    from probstats.dataset.ratings import RATING_DTYPE
    from probstats.models import fit_ordinal

    covered = []
    for seed in range(40):
        study = simulate_panel(seed=seed)
        data = study.exposures.assign(
            overall_rating=pd.Categorical(study.inspections["overall_rating"], dtype=RATING_DTYPE)
        )
        row = fit_ordinal(data, "overall_rating", ["shortfall_po_pct"], warn=False).tidy()
        row = row.set_index("term").loc["shortfall_po_pct"]
        covered.append(
            row["conf_low"] < study.log_odds_ratio("shortfall_po_pct") < row["conf_high"]
        )
    assert np.mean(covered) >= 0.85, np.mean(covered)
