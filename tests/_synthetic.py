"""Small synthetic frames in the shapes the loaders return, for figure and table tests.

Counts are fixed by construction so that tests can compare with hand counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from probstats.ratings import RATING_DTYPE

#: (inspection_id, unit_id, unit_type, region, publication_date, rating)
_ROWS = [
    ("crc-a-2019", "crc-a", "CRC", None, "2019-03-01", "Requires improvement"),
    ("crc-b-2019", "crc-b", "CRC", None, "2019-09-01", "Inadequate"),
    ("nps-ne-2020", "nps-ne", "NPS division", None, "2020-02-01", "Good"),
    ("pdu-a-2022", "pdu-a", "PDU", "North East", "2022-02-10", "Requires improvement"),
    ("pdu-b-2022", "pdu-b", "PDU", "North East", "2022-05-01", "Inadequate"),
    ("pdu-c-2022", "pdu-c", "PDU", "Wales", "2022-11-01", "Good"),
    ("region-ne-2022", "region-ne", "region", "North East", "2022-07-01", "Requires improvement"),
    ("pdu-d-2023", "pdu-d", "PDU", "London", "2023-01-15", "Requires improvement"),
    ("pdu-e-2023", "pdu-e", "PDU", "London", "2023-04-01", "Requires improvement"),
    ("pdu-f-2023", "pdu-f", "PDU", "Wales", "2023-08-01", "Outstanding"),
    ("region-w-2023", "region-w", "region", "Wales", "2023-10-01", "Good"),
    ("pdu-a-2024", "pdu-a", "PDU", "North East", "2024-03-01", "Good"),
    ("pdu-b-2024", "pdu-b", "PDU", "North East", "2024-06-01", "Inadequate"),
    ("pdu-d-2024", "pdu-d", "PDU", "London", "2024-09-01", "Requires improvement"),
    ("national-2024", "national", "national", None, "2024-10-01", "Requires improvement"),
    ("pdu-g-nodate", "pdu-g", "PDU", "South West", None, "Good"),
]


def inspections() -> pd.DataFrame:
    """Sixteen inspections: 3 pre-unification, 10 PDU, 2 region, 1 national, 1 undated PDU."""
    ids, units, types, regions, dates, ratings = zip(*_ROWS, strict=True)
    df = pd.DataFrame(
        {
            "inspection_id": pd.array(ids, dtype="string"),
            "unit_id": pd.array(units, dtype="string"),
            "unit_type": pd.array(types, dtype="string"),
            "era": pd.array(
                [
                    "pre_unification" if t in ("CRC", "NPS division") else "post_unification"
                    for t in types
                ],
                dtype="string",
            ),
            "unit_name": pd.array([u.upper() for u in units], dtype="string"),
            "region": pd.array(regions, dtype="string"),
            "publication_date": pd.to_datetime(list(dates)).astype("datetime64[s]"),
            "publication_date_precision": pd.array(
                ["day" if d else None for d in dates], dtype="string"
            ),
            "overall_rating": pd.Categorical(ratings, dtype=RATING_DTYPE),
        }
    )
    df["rating_score"] = pd.array(df["overall_rating"].cat.codes + 1, dtype="Int64")
    df["cases_inspected"] = pd.array([60, 70, 80] + [40 + 2 * i for i in range(13)], dtype="Int64")
    return df


#: PO vacancy rate, % keep-safe sufficient and its denominator, by inspection id.
_STAFF = {
    "pdu-a-2022": (30.0, 45.0, 40),
    "pdu-b-2022": (42.0, 30.0, 44),
    "pdu-c-2022": (12.0, 68.0, None),
    "pdu-d-2023": (25.0, 52.0, 38),
    "pdu-e-2023": (20.0, None, None),
    "pdu-f-2023": (5.0, 80.0, 42),
    "pdu-a-2024": (18.0, 60.0, 41),
    "pdu-b-2024": (35.0, 40.0, 45),
    "pdu-d-2024": (25.0, 50.0, 40),
}


def features() -> pd.DataFrame:
    """The inspections with staffing and case columns; 9 have a PO vacancy rate, 8 the outcome."""
    base = inspections()
    cols = [
        "inspection_id",
        "unit_id",
        "unit_type",
        "era",
        "unit_name",
        "region",
        "publication_date",
        "overall_rating",
        "rating_score",
        "cases_inspected",
    ]
    df = base[cols].copy()
    vac, pct, n = [], [], []
    for iid in df["inspection_id"]:
        v, p, k = _STAFF.get(iid, (np.nan, np.nan, np.nan))
        vac.append(v)
        pct.append(np.nan if p is None else p)
        n.append(np.nan if k is None else k)
    df["vacancy_rate_po"] = vac
    df["caseload_average_po"] = [np.nan] * 3 + [
        45.0,
        52.0,
        38.0,
        np.nan,
        41.0,
        44.0,
        36.0,
        np.nan,
        40.0,
        50.0,
        47.0,
        np.nan,
        np.nan,
    ]
    df["sickness_days_all"] = np.nan
    df["case_implementation_delivery_keep_safe_n"] = n
    df["case_implementation_delivery_keep_safe_pct"] = pct
    return df


def panel() -> pd.DataFrame:
    """Repeat inspections of pdu-a (RI -> Good, vacancy -12), pdu-b (Inadequate -> Inadequate,
    vacancy -7) and pdu-d (RI -> RI, vacancy unchanged)."""
    feats = features()
    df = feats[feats["unit_id"].isin(["pdu-a", "pdu-b", "pdu-d"])].sort_values(
        ["unit_id", "publication_date"], kind="stable"
    )
    grp = df.groupby("unit_id")
    df = df.assign(
        visit_number=grp.cumcount() + 1,
        previous_inspection_id=grp["inspection_id"].shift(),
        previous_overall_rating=pd.Categorical(grp["overall_rating"].shift(), dtype=RATING_DTYPE),
        rating_change=(df["rating_score"] - grp["rating_score"].shift()).astype("Int64"),
        delta_vacancy_rate_po=df["vacancy_rate_po"] - grp["vacancy_rate_po"].shift(),
    )
    return df.reset_index(drop=True)


def staffing_long() -> pd.DataFrame:
    """Long staffing facts: the exact PO vacancy rates plus one approximate PSO figure."""
    feats = features()
    known = feats[feats["vacancy_rate_po"].notna()]
    rows = [
        {
            "inspection_id": i,
            "measure": "vacancy_rate",
            "grade": "PO",
            "value": v,
            "qualifier": pd.NA,
        }
        for i, v in zip(known["inspection_id"], known["vacancy_rate_po"], strict=True)
    ]
    rows.append(
        {
            "inspection_id": "pdu-c-2022",
            "measure": "sickness_days",
            "grade": "all",
            "value": 50.0,
            "qualifier": ">",
        }
    )
    return pd.DataFrame(rows).astype({"inspection_id": "string", "qualifier": "string"})


def tidy() -> pd.DataFrame:
    """A tidy coefficient table (log-odds) with one term lacking an interval."""
    return pd.DataFrame(
        {
            "term": ["vacancy_rate_po", "caseload_average_po", "era[pre]"],
            "estimate": [-0.05, 0.01, 0.3],
            "std_error": [0.02, 0.01, np.nan],
            "conf_low": [-0.09, -0.01, np.nan],
            "conf_high": [-0.01, 0.03, np.nan],
        }
    )


def predictions(step: float = 10.0) -> pd.DataFrame:
    """Predicted rating probabilities across PO vacancy 0-50 (ordinal-logit shape, sum to 1)."""
    from scipy.special import expit

    xs = np.arange(0, 50 + step / 2, step)
    cuts = np.array([-2.0, 0.5, 3.0])
    rows = []
    for x in xs:
        cum = expit(cuts + 0.05 * x)  # P(rating <= k), worse with more vacancies
        probs = np.diff(np.concatenate([[0], cum, [1]]))
        for cat, p in zip(
            ["Inadequate", "Requires improvement", "Good", "Outstanding"], probs, strict=True
        ):
            rows.append(
                {
                    "vacancy_rate_po": x,
                    "category": cat,
                    "probability": p,
                    "conf_low": max(0.0, p - 0.05),
                    "conf_high": min(1.0, p + 0.05),
                }
            )
    return pd.DataFrame(rows)
