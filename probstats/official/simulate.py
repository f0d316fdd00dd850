"""A seeded, clearly labelled synthetic staffing panel and synthetic inspections.

Real PDU-level staffing is held by HMPPS and not published, so the analysis cannot
show what it would find with adequate data. :func:`simulate_panel` makes data of that
shape with **known** effects, so a test (and ``notebooks/06_own_staffing_data.py``)
can check that ``probstats build --staffing`` recovers them. Nothing here is real:
every panel row's ``provenance`` and every unit's and inspection's ``notes`` say
:data:`~probstats.dataset.vocab.SYNTHETIC_LABEL`, URLs are under the reserved
``example.invalid`` domain, and units are called "Synthetic 001" and so on.

The shape (monthly, from July 2021 to December 2025 by default):

* **PO shortfall** (``100 * (target - in post) / target``): a national level of 25%
  plus a regional effect (sd 5 points), a PDU effect (sd 6), a slow PDU drift (sd 0.08
  points a month) and AR(1) month-to-month noise (autocorrelation 0.8, sd 1.5); about
  10-45% for most PDUs. Target PO FTE 20-60 per PDU. One PDU in seven states its PO
  vacancy rate instead of PO FTE in post against target;
* **PSO shortfall** around 0 (regional sd 4, PDU sd 6): several PDUs above target;
* **caseloads**: PO 30-60 (higher where PO shortfall is higher), practitioners (PO and
  PSO together) about 80% of that;
* **sickness**: 8-20 working days per FTE over 12 months, independent of staffing;
  half the PDUs state days lost and average FTE, the others days per FTE;
* about 3% of PDU-months are missing (the as-of join then reaches back a month).

Inspections: every PDU is inspected once, about 40% twice (at least 18 months
apart), with fieldwork from the panel's third month to four months before its end
(September 2021 to August 2025 by default) and publication 2-4 months later. The
overall rating follows a proportional-odds (cumulative logit) model,
``P(rating <= j) = logistic(theta_j - eta)`` with
``eta = sum_k beta_k * (x_k - centre_k)`` over the harmonised measures ``x_k`` as at
the last month end on or before fieldwork (exactly what
:func:`probstats.official.panel.attach_staffing` attaches). Default effects
(:data:`DEFAULT_EFFECTS`): odds ratio of a better rating **0.6 per 10 points of PO
shortfall**, 0.8 per 5 sickness days, none for PO caseload and PO share. At the centre
the rating probabilities are 30% Inadequate, 45% Requires improvement, 20% Good, 5%
Outstanding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from probstats.dataset import vocab
from probstats.dataset.ratings import RATINGS
from probstats.dataset.schema import RAW_TABLES, STAFFING_PANEL
from probstats.errors import InvalidArgumentError

__all__ = ["DEFAULT_EFFECTS", "SyntheticPaths", "SyntheticStudy", "simulate_panel"]

#: Default effects: harmonised measure -> (odds ratio of a better rating, per this many units).
DEFAULT_EFFECTS: dict[str, tuple[float, float]] = {
    "shortfall_po_pct": (0.6, 10.0),
    "sickness_days_per_fte": (0.8, 5.0),
    "workload_caseload_po": (1.0, 10.0),
    "mix_po_share_pct": (1.0, 10.0),
}

#: Values of the measures at which the rating probabilities are :data:`BASELINE_PROBS`.
CENTRES: dict[str, float] = {
    "shortfall_po_pct": 25.0,
    "sickness_days_per_fte": 13.0,
    "workload_caseload_po": 45.0,
    "mix_po_share_pct": 50.0,
}

#: Rating probabilities (Inadequate, Requires improvement, Good, Outstanding) at the centre.
BASELINE_PROBS = (0.30, 0.45, 0.20, 0.05)

_URL = "https://example.invalid/probstats/synthetic"


@dataclass(frozen=True)
class SyntheticPaths:
    """Where :meth:`SyntheticStudy.write` put the files."""

    raw: Path
    panel: Path


@dataclass(eq=False)
class SyntheticStudy:
    """A synthetic panel with its units, inspections and the truth behind the ratings.

    Attributes
    ----------
    units, inspections
        In the columns of the raw ``units.csv`` and ``inspections.csv``.
    panel
        In the columns of a staffing panel file (:data:`~probstats.dataset.schema.STAFFING_PANEL`).
    exposures
        Per inspection: ``inspection_id`` and the harmonised measures the rating was
        drawn from (the figures as at the last month end on or before fieldwork).
    effects
        Measure -> (odds ratio of a better rating, per); ``log_odds_ratio(measure, per)``
        gives the true coefficient on another scale.
    cutpoints
        The ``theta_j`` of the rating model (at the :data:`CENTRES`).
    seed
        The seed that makes it.
    """

    units: pd.DataFrame
    inspections: pd.DataFrame
    panel: pd.DataFrame
    exposures: pd.DataFrame
    effects: dict[str, tuple[float, float]]
    cutpoints: tuple[float, ...]
    seed: int

    def log_odds_ratio(self, measure: str, per: float = 1.0) -> float:
        """True log odds ratio of a better rating per ``per`` units of ``measure``."""
        odds_ratio, scale = self.effects.get(measure, (1.0, 1.0))
        return float(np.log(odds_ratio) * per / scale)

    def write(self, folder: str | Path) -> SyntheticPaths:
        """Write a raw folder (``raw/``: the five linked tables) and the panel file.

        ``raw/`` holds ``units.csv`` and ``inspections.csv`` and header-only
        ``staffing.csv``, ``case_measures.csv`` and ``standard_ratings.csv``, so that
        ``probstats build --raw <folder>/raw --staffing
        <folder>/synthetic_staffing_panel.csv --out <dir>`` runs on it.
        """
        folder = Path(folder)
        raw = folder / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        frames = {"units": self.units, "inspections": self.inspections}
        for table in ("units", "inspections", "staffing", "case_measures", "standard_ratings"):
            columns = [c.name for c in RAW_TABLES[table]]
            frame = frames.get(table, pd.DataFrame(columns=columns))
            _write(frame[columns], raw / f"{table}.csv")
        (raw / "README.md").write_bytes(
            (
                f"# {vocab.SYNTHETIC_LABEL}\n\nMade by probstats.official.simulate_panel"
                f"(seed={self.seed}). Not real units, inspections or ratings.\n"
            ).encode()
        )
        panel = folder / "synthetic_staffing_panel.csv"
        _write(self.panel[[c.name for c in STAFFING_PANEL]], panel)
        return SyntheticPaths(raw=raw, panel=panel)


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def _units(n_pdus: int, rng: np.random.Generator) -> pd.DataFrame:
    regions = np.array(vocab.REGIONS)[rng.permutation(np.arange(n_pdus) % len(vocab.REGIONS))]
    ids = [f"pdu-synthetic-{i:03d}" for i in range(1, n_pdus + 1)]
    names = [f"Synthetic {i:03d}" for i in range(1, n_pdus + 1)]
    return pd.DataFrame(
        {
            "unit_id": ids,
            "unit_type": "PDU",
            "name": names,
            "region": regions,
            "aliases": [f"Synthetic {i:03d} Probation Delivery Unit" for i in range(1, n_pdus + 1)],
            "source_url": _URL,
            "source_type": "secondary",
            "notes": vocab.SYNTHETIC_LABEL,
        }
    )


def _ar1(rng: np.random.Generator, shape: tuple[int, int], phi: float, sd: float) -> np.ndarray:
    noise = rng.normal(0, sd, shape)
    out = np.empty(shape)
    out[:, 0] = noise[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, shape[1]):
        out[:, t] = phi * out[:, t - 1] + noise[:, t]
    return out


def _level(units, rng, shape, mean, region_sd, pdu_sd, drift_sd, ar_sd) -> np.ndarray:
    region_effect = {r: rng.normal(0, region_sd) for r in vocab.REGIONS}
    base = mean + units["region"].map(region_effect).to_numpy() + rng.normal(0, pdu_sd, shape[0])
    drift = rng.normal(0, drift_sd, shape[0])[:, None] * np.arange(shape[1])[None, :]
    return base[:, None] + drift + _ar1(rng, shape, 0.8, ar_sd)


def _r1(x: np.ndarray) -> np.ndarray:
    """Round to one decimal as written to the file (the value every formula then uses)."""
    return np.round(x, 1)


# long: the panel's measures, one block per dimension, in the order the docstring gives them
def _staffing(units: pd.DataFrame, months: pd.PeriodIndex, rng: np.random.Generator):
    shape = (len(units), len(months))
    po_target = _r1(np.repeat(rng.uniform(20, 60, shape[0])[:, None], shape[1], axis=1))
    pso_target = _r1(po_target * rng.uniform(0.9, 1.3, shape[0])[:, None])
    other_target = _r1((po_target + pso_target) * rng.uniform(0.4, 0.6, shape[0])[:, None])
    po_short = np.clip(_level(units, rng, shape, 25, 5, 6, 0.08, 1.5), 2, 60)
    pso_short = np.clip(_level(units, rng, shape, 0, 4, 6, 0.05, 1.5), -25, 40)
    other_short = np.clip(_level(units, rng, shape, 10, 3, 4, 0.03, 1.0), -10, 40)
    po = _r1(po_target * (1 - po_short / 100))
    pso = _r1(pso_target * (1 - pso_short / 100))
    other = _r1(other_target * (1 - other_short / 100))
    states_rate = rng.random(shape[0]) < 1 / 7
    po_rate = _r1(100 * (po_target - po) / po_target)
    caseload_po = _r1(
        np.clip(42 + 0.3 * (po_short - 25) + _level(units, rng, shape, 0, 3, 4, 0.02, 1.0), 28, 62)
    )
    caseload_prac = _r1(caseload_po * 0.8)
    sickness = np.clip(_level(units, rng, shape, 13, 1.0, 2.2, 0.01, 0.6), 7, 21)
    states_days = rng.random(shape[0]) < 0.5
    avg_fte = _r1(po + pso + other)
    days_lost = np.round(sickness * avg_fte)
    sickness_stated = _r1(sickness)
    columns = {
        ("fte_in_post", "PO"): np.where(states_rate[:, None], np.nan, po),
        ("fte_target", "PO"): np.where(states_rate[:, None], np.nan, po_target),
        ("vacancy_rate", "PO"): np.where(states_rate[:, None], po_rate, np.nan),
        ("headcount_in_post", "PO"): np.where(states_rate[:, None], np.ceil(po), np.nan),
        ("fte_in_post", "PSO"): np.where(states_rate[:, None], np.nan, pso),
        ("headcount_in_post", "PSO"): np.where(states_rate[:, None], np.ceil(pso), np.nan),
        ("fte_target", "PSO"): pso_target,
        ("fte_in_post", "all"): avg_fte,
        ("fte_target", "all"): _r1(po_target + pso_target + other_target),
        ("caseload_average", "PO"): caseload_po,
        ("caseload_average", "practitioner"): caseload_prac,
        ("sickness_days_lost", "all"): np.where(states_days[:, None], days_lost, np.nan),
        ("average_fte", "all"): np.where(states_days[:, None], avg_fte, np.nan),
        ("sickness_days_per_fte", "all"): np.where(states_days[:, None], np.nan, sickness_stated),
    }
    missing = rng.random(shape) < 0.03
    missing[:, 0] = False
    harmonised = {
        "shortfall_po_pct": np.where(
            states_rate[:, None], po_rate, 100 * (po_target - po) / po_target
        ),
        "mix_po_share_pct": np.where(
            states_rate[:, None],
            100 * np.ceil(po) / (np.ceil(po) + np.ceil(pso)),
            100 * po / (po + pso),
        ),
        "workload_caseload_po": caseload_po,
        "sickness_days_per_fte": np.where(
            states_days[:, None], days_lost / avg_fte, sickness_stated
        ),
    }
    return columns, missing, harmonised


def _panel_frame(units, months, columns, missing, rng) -> pd.DataFrame:
    n_units, n_months = missing.shape
    unit_forms = np.where(
        rng.random(n_units) < 0.5,
        units["name"].to_numpy(),
        np.where(rng.random(n_units) < 0.5, units["unit_id"], units["name"] + " PDU"),
    )
    frames = []
    month_text = np.array([str(m) for m in months])
    for (measure, grade), values in columns.items():
        keep = ~np.isnan(values) & ~missing
        u, t = np.nonzero(keep)
        frames.append(
            pd.DataFrame(
                {
                    "_u": u,
                    "_t": t,
                    "unit": unit_forms[u],
                    "period": month_text[t],
                    "measure": measure,
                    "grade": grade,
                    "value": [f"{v:.10g}" for v in values[keep]],
                }
            )
        )
    panel = pd.concat(frames, ignore_index=True).sort_values(["_u", "_t"], kind="stable")
    panel = panel.drop(columns=["_u", "_t"]).reset_index(drop=True)
    return panel.assign(provenance=vocab.SYNTHETIC_LABEL, private="false", notes="")


def _visits(units, months, rng) -> pd.DataFrame:
    """Fieldwork dates from the panel's third month to four months before its end (so a
    figure precedes every fieldwork and every report is published within the panel)."""
    first = (months[0] + 2).to_timestamp()
    last = (months[-1] - 4).to_timestamp(how="end").normalize()
    span = (last - first).days
    if span < 0:
        raise InvalidArgumentError("the panel must cover at least seven months")
    rows = []
    for i, unit in enumerate(units.itertuples(index=False)):
        dates = [first + pd.Timedelta(days=int(rng.integers(0, span + 1)))]
        if rng.random() < 0.4:  # a second inspection 18-30 months before or after
            gap = pd.Timedelta(days=int(rng.integers(550, 900)))
            second = dates[0] + gap if dates[0] + gap <= last else dates[0] - gap
            if second >= first:
                dates.append(second)
        rows += [(i, unit.unit_id, unit.name, unit.region, d) for d in sorted(dates)]
    return pd.DataFrame(
        rows, columns=["unit_index", "unit_id", "name", "region", "fieldwork_start"]
    )


def _exposures(visits, months, missing, harmonised) -> pd.DataFrame:
    """The harmonised measures as at the last month end on or before fieldwork."""
    month_ends = months.to_timestamp(how="end").normalize()
    out = {}
    for name, values in harmonised.items():
        col = []
        for row in visits.itertuples(index=False):
            t = int(np.searchsorted(month_ends, row.fieldwork_start, side="right")) - 1
            while t >= 0 and missing[row.unit_index, t]:
                t -= 1
            col.append(values[row.unit_index, t] if t >= 0 else np.nan)
        out[name] = np.asarray(col, dtype=float)
    return pd.DataFrame(out, index=visits.index)


def _ratings(exposures, effects, rng) -> tuple[np.ndarray, tuple[float, ...]]:
    eta = np.zeros(len(exposures))
    for name, (odds_ratio, per) in effects.items():
        eta += np.log(odds_ratio) / per * (exposures[name].to_numpy() - CENTRES[name])
    cum = np.cumsum(BASELINE_PROBS)[:-1]
    cutpoints = tuple(float(np.log(c / (1 - c))) for c in cum)
    cum_prob = 1 / (1 + np.exp(-(np.asarray(cutpoints)[None, :] - eta[:, None])))
    codes = (rng.random(len(eta))[:, None] > cum_prob).sum(axis=1)
    return codes, cutpoints


def simulate_panel(
    n_pdus: int = 120,
    *,
    start: str = "2021-07",
    end: str = "2025-12",
    effects: dict[str, tuple[float, float]] | None = None,
    seed: int = 0,
) -> SyntheticStudy:
    """Simulate a labelled synthetic staffing panel and inspections with known effects.

    Parameters
    ----------
    n_pdus
        Number of synthetic PDUs (spread over the 12 probation regions).
    start, end
        First and last month of the panel (``YYYY-MM``).
    effects
        Harmonised measure -> (odds ratio of a better rating, per this many units), for
        any of ``shortfall_po_pct``, ``sickness_days_per_fte``, ``workload_caseload_po``
        and ``mix_po_share_pct``; default :data:`DEFAULT_EFFECTS` (PO shortfall: 0.6 per
        10 points).
    seed
        Seed of the random generator: the same seed gives the same study.

    Returns
    -------
    SyntheticStudy
        Units, inspections, the panel, the exposures and the truth;
        :meth:`SyntheticStudy.write` writes them for ``probstats build --staffing``.

    Examples
    --------
    >>> from probstats.official.simulate import simulate_panel
    >>> study = simulate_panel(n_pdus=24, seed=1)
    >>> study.panel["provenance"].unique().tolist()
    ['SYNTHETIC — simulated by probstats, not real data']
    >>> study.inspections["notes"].unique().tolist()
    ['SYNTHETIC — simulated by probstats, not real data']
    >>> round(study.log_odds_ratio("shortfall_po_pct", per=10), 4)  # log(0.6)
    -0.5108
    >>> bool(study.exposures["shortfall_po_pct"].notna().all())
    True
    """
    effects = dict(DEFAULT_EFFECTS if effects is None else effects)
    unknown = sorted(set(effects) - set(CENTRES))
    if unknown:
        raise InvalidArgumentError(
            f"no simulated effect for {unknown}; allowed: {', '.join(CENTRES)}"
        )
    if n_pdus < 1:
        raise InvalidArgumentError("n_pdus must be at least 1")
    rng = np.random.default_rng(seed)
    months = pd.period_range(start, end, freq="M")
    units = _units(n_pdus, rng)
    columns, missing, harmonised = _staffing(units, months, rng)
    panel = _panel_frame(units, months, columns, missing, rng)
    visits = _visits(units, months, rng)
    exposures = _exposures(visits, months, missing, harmonised)
    codes, cutpoints = _ratings(exposures, effects, rng)
    published = visits["fieldwork_start"] + pd.to_timedelta(rng.integers(60, 120, len(visits)), "D")
    inspections = pd.DataFrame(
        {
            "inspection_id": [
                f"{u}-{p.year}" for u, p in zip(visits["unit_id"], published, strict=True)
            ],
            "unit_type": "PDU",
            "unit_name": np.where(
                rng.random(len(visits)) < 0.5, visits["name"], visits["name"] + " PDU"
            ),
            "region": visits["region"],
            "publication_date": published.dt.strftime("%Y-%m-%d"),
            "fieldwork_start": visits["fieldwork_start"].dt.strftime("%Y-%m-%d"),
            "fieldwork_end": (visits["fieldwork_start"] + pd.Timedelta(days=11)).dt.strftime(
                "%Y-%m-%d"
            ),
            "overall_rating": np.asarray(RATINGS)[codes],
            "source_url": _URL,
            "source_type": "secondary",
            "notes": vocab.SYNTHETIC_LABEL,
        }
    )
    for col in RAW_TABLES["inspections"]:
        if col.name not in inspections:
            inspections[col.name] = ""
    inspections = inspections[[c.name for c in RAW_TABLES["inspections"]]]
    exposures.insert(0, "inspection_id", inspections["inspection_id"].to_numpy())
    return SyntheticStudy(
        units=units,
        inspections=inspections,
        panel=panel,
        exposures=exposures.reset_index(drop=True),
        effects=effects,
        cutpoints=cutpoints,
        seed=seed,
    )
