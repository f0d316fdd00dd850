"""Finder by finder: one wording, one expected reading (new sentences written for these tests).

Each case is a short release about a fictional unit; the table says what the
finder must read from it, and nothing else. Together with the fixtures these
tests are what the mutation score of the finders is measured with.
"""

from __future__ import annotations

import pytest

from probstats.dataset.vocab import STAFFING_MEASURES
from probstats.extract import extract_text
from probstats.extract.finders import dates, names, ratings, staffing, units
from probstats.extract.finders.context import oblique_before, trigger
from probstats.extract.numerals import (
    as_int,
    fraction_value,
    is_percent_at,
    parse_number,
    qualifier_before,
    word_share_qualifier,
)

LEAD = "Ashby PDU has received an overall rating of 'Good'. "


def one(text: str):
    recs = extract_text(text)
    assert len(recs) == 1, [r.unit_name for r in recs]
    return recs[0]


def staff(text: str) -> list[tuple]:
    return sorted(
        (f.measure, f.grade, f.value, f.qualifier, f.unit) for f in one(LEAD + text).staffing
    )


# ----------------------------------------------------------------------------- staffing
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The vacancy rate for POs was 20 per cent.",
            [("vacancy_rate", "PO", 20.0, "", "percent")],
        ),
        (
            "There was a vacancy rate of 14% for probation services officers.",
            [("vacancy_rate", "PSO", 14.0, "", "percent")],
        ),
        (
            "Managers noted a rate of 9% for PSOs in vacancies.",
            [("vacancy_rate", "PSO", 9.0, "", "percent")],
        ),
        (
            "There was a 25% shortfall in the number of probation officers.",
            [("vacancy_rate", "PO", 25.0, "", "percent")],
        ),
        (
            "The unit had 11 vacancies for senior probation officers.",
            [("vacancies", "SPO", 11.0, "", "count")],
        ),
        (
            "Staffing stood at 88% of target at PSO grade.",
            [("staffing_pct_target", "PSO", 88.0, "", "percent")],
        ),
        (
            "PSOs were staffed at 105% of the required level.",
            [("staffing_pct_target", "PSO", 105.0, "", "percent")],
        ),
        (
            "Staffing levels for POs were at 70 per cent.",
            [("staffing_pct_target", "PO", 70.0, "", "percent")],
        ),
        (
            "The sickness absence rate among staff was 6 per cent.",
            [("sickness_rate", "all", 6.0, "", "percent")],
        ),
        (
            "Staff turnover reached 18% over the year.",
            [("turnover_rate", "all", 18.0, "", "percent")],
        ),
        (
            "Workload measurement (WMT) showed staff at 130% of capacity.",
            [("workload_wmt_pct", "all", 130.0, "", "percent")],
        ),
        (
            "Ashby holds 12 per cent of the regional caseload.",
            [("regional_caseload_share", "all", 12.0, "", "percent")],
        ),
        (
            "Ashby holds 12 per cent of the caseload across the Nowhere region.",
            [("regional_caseload_share", "all", 12.0, "", "percent")],
        ),
        (
            "There were around 240 members of staff in post.",
            [("staff_in_post", "all", 240.0, "~", "count")],
        ),
        ("The unit employed 180 FTE staff.", [("staff_in_post", "all", 180.0, "", "count")]),
        ("The staffing complement was 95.", [("staff_in_post", "all", 95.0, "", "count")]),
        (
            "Practitioners held an average caseload of 38 cases.",
            [("caseload_average", "practitioner", 38.0, "", "count")],
        ),
        ("POs had 41 cases each.", [("caseload_average", "PO", 41.0, "", "count")]),
        (
            "On average, probation officers were managing more than 45 cases.",
            [("caseload_average", "PO", 45.0, ">", "count")],
        ),
        (
            "Managers told us caseloads averaged 50.",
            [("caseload_average", "all", 50.0, "", "count")],
        ),
        (
            "Some PSOs held caseloads of up to 90 cases.",
            [("caseload_range_max", "PSO", 90.0, "", "count")],
        ),
        ("The highest caseload was 120.", [("caseload_range_max", "all", 120.0, "", "count")]),
        (
            "Staff lost 9.5 working days to sickness per person.",
            [("sickness_days", "all", 9.5, "", "days")],
        ),
        (
            "Staff averaged 11 days per FTE of absence.",
            [("sickness_days", "all", 11.0, "", "days")],
        ),
        (
            "There were 32 unallocated cases awaiting a practitioner.",
            [("unallocated_cases", "all", 32.0, "", "count")],
        ),
        (
            "The unit had 12 trainee probation officers in post.",
            [("trainees", "trainee", 12.0, "", "count")],
        ),
        (
            "The unit supervises more than 3,600 people on probation.",
            [("caseload_total", "all", 3600.0, ">", "cases")],
        ),
        (
            "It works with nearly 2,000 low and medium-risk offenders.",
            [("caseload_total", "all", 2000.0, "<", "cases")],
        ),
        (
            "The staff vacancy rate for the unit was 11%.",
            [("vacancy_rate", "all", 11.0, "", "percent")],
        ),
    ],
)
def test_staffing_readings(sentence, expected):
    facts = one(LEAD + sentence).staffing
    for f in facts:  # every figure carries the unit of its measure, and a basis only if stated
        assert f.unit == STAFFING_MEASURES[f.measure][0]
        assert f.basis == ("FTE" if "FTE staff" in sentence else "")
        assert f.confidence in (0.81, 0.9) and f.notes == f"{f.measure} ({f.grade}) as stated"
    got = staff(sentence)
    # the unit column of StaffingFact follows the vocabulary ("cases" for caseloads, "days" ...)
    assert [(m, g, v, q) for m, g, v, q, _ in got] == [(m, g, v, q) for m, g, v, q, _ in expected]


@pytest.mark.parametrize(
    "sentence",
    [
        "Staff said vacancies had fallen between 2019 and 2021.",
        "We inspected 60 cases and spoke to 40 staff members.",
        "Staff described caseloads of 40-50 as normal.",
        "Staff in 3 of the 4 offices were positive.",
        "In 45% of cases staff had assessed risk well.",
        "Inspectors reviewed 80 cases supervised by staff.",
        "There were 20 staff who had left the service.",
        "Probation officers said 30% of their time went on paperwork.",
    ],
)
def test_staffing_not_read(sentence):
    assert one(LEAD + sentence).staffing == []


def test_staffing_units_and_notes():
    [f] = one(LEAD + "The vacancy rate for POs was 20 per cent.").staffing
    assert (f.unit, f.notes, f.basis, f.evidence.text) == (
        "percent",
        "vacancy_rate (PO) as stated",
        "",
        "20 per cent",
    )
    [f] = one(LEAD + "The unit employed 180 FTE staff.").staffing
    assert (f.unit, f.basis) == ("count", "FTE")
    [f] = one(LEAD + "Staff lost 9.5 working days to sickness per person.").staffing
    assert f.unit == "days"
    [f] = one(LEAD + "POs had 41 cases each.").staffing
    assert f.unit == "cases"


def test_staffing_qualifier_is_in_the_evidence():
    [f] = one(LEAD + "The vacancy rate for POs was just over 30 per cent.").staffing
    assert (f.qualifier, f.evidence.text) == (">", "just over 30 per cent")


def test_staffing_one_off_headcount_and_number_words_are_candidates():
    rec = one(
        LEAD
        + "The 140 staff who transferred in the reorganisation stayed. Nine members of staff worked there."
    )
    assert rec.staffing == []
    assert sorted(c.value for c in rec.candidates if c.field == "staffing") == [
        "staff_in_post/all=140",
        "staff_in_post/all=9",
    ]


def test_staffing_duplicate_measure_warns():
    rec = one(
        LEAD
        + "The vacancy rate for POs was 20 per cent. Later the vacancy rate for POs was 25 per cent."
    )
    assert [f.value for f in rec.staffing] == [20.0, 25.0]
    assert "more than one value stated for the same staffing measure and grade" in rec.warnings
    rec = one(
        LEAD + "The vacancy rate for POs was 20 per cent. The vacancy rate for POs was 20 per cent."
    )
    assert len(rec.staffing) == 1 and rec.warnings == []


def test_grade_mentions_need_capital_abbreviations():
    t = "PO and pso and Probation Services Officer (PSO) and SPOs and trainees and business support"
    assert [g for g, *_ in staffing.grade_mentions(t, 0, len(t))] == [
        "PO",
        "PSO",
        "PSO",
        "SPO",
        "trainee",
        "admin",
    ]
    t = "case managers, middle managers, PQiPs"
    assert [g for g, *_ in staffing.grade_mentions(t, 0, len(t))] == [
        "practitioner",
        "manager",
        "trainee",
    ]
    assert [(s, e) for _, s, e in staffing.grade_mentions("xx POs", 2, 6)] == [(3, 6)]


@pytest.mark.parametrize(
    ("measure", "grade", "expected"),
    [
        ("regional_caseload_share", "PO", "all"),
        ("caseload_total", "PSO", "all"),
        ("trainees", "all", "trainee"),
        ("caseload_average", "manager", "all"),
        ("caseload_average", "PSO", "PSO"),
        ("caseload_range_max", "practitioner", "practitioner"),
        ("caseload_average", "trainee", "trainee"),
        ("caseload_average", "PO", "PO"),
        ("vacancy_rate", "manager", "manager"),
    ],
)
def test_final_grade(measure, grade, expected):
    assert staffing._final_grade(measure, grade) == expected


# ----------------------------------------------------------------------------- numbers
def test_numbers():
    assert parse_number(" 1,170 ") == 1170.0 and parse_number("forty two") == 42.0
    assert parse_number("twenty") == 20.0 and parse_number("twenty-ten") is None
    assert parse_number("one two") is None and parse_number("Eleven") == 11.0
    assert as_int(4.0) == 4 and as_int(4.5) is None
    assert (
        is_percent_at("5%", 1) == 2
        and is_percent_at("5 percent", 1) == 9
        and is_percent_at("5", 1) is None
    )
    assert qualifier_before("x" * 60 + " more than ") == (">", 10)
    assert qualifier_before("x" * 60 + "more than ") == ("", 0)
    assert qualifier_before("nearly ") == ("<", 7) and qualifier_before("at least ") == (">=", 9)
    assert qualifier_before("up to ") == ("<=", 6) and qualifier_before("roughly ") == ("~", 8)
    assert fraction_value("A quarter") == 25 and fraction_value("one in three") == 33
    assert word_share_qualifier("less than ") == "<" and word_share_qualifier("only ") == "~"


# ----------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The report was published on 4 September 2031.", "2031-09-04"),
        ("Published: 14 November 2031", "2031-11-14"),
        ("Publication date: 2 May 2031", "2031-05-02"),
        ("The report is available on the website from 3 June 2031.", "2031-06-03"),
        ("The Inspectorate publishes its findings today, on 7 July 2031.", "2031-07-07"),
        ("HMI Probation, June 2030\nAn inspection of Ashby PDU", "2030-06"),
        ("Our previous report, published on 2 March 2029, was critical.", None),
        ("The report was published in 2031.", None),
        ("Published: today", None),
    ],
)
def test_publication_date(text, expected):
    assert one(LEAD + text).publication_date == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fieldwork took place between 12 and 23 June 2031.", ("2031-06-12", "2031-06-23")),
        ("The inspection took place in January 2031.", ("2031-01", "2031-01")),
        ("Fieldwork ran from 27 November 2030 to 26 January 2031.", ("2030-11-27", "2031-01-26")),
        ("Inspectors visited in March 2031 and found progress.", ("2031-03", "2031-03")),
        ("Fieldwork took place in the spring.", (None, None)),
        ("The previous inspection took place in May 2028.", (None, None)),
        ("Fieldwork took place in 2031.", ("2031", "2031")),
        ("Fieldwork was carried out on 05/03/2031.", ("2031-03-05", "2031-03-05")),
    ],
)
def test_fieldwork(text, expected):
    rec = one(LEAD + text)
    assert (rec.fieldwork_start, rec.fieldwork_end) == expected


def test_date_tokens_and_formats():
    got = [
        t[:3]
        for t in dates.date_tokens("between 27 Nov and 8 Dec 2031; on 30 February 2031; may we")
    ]
    assert got == [(2031, 11, 27), (2031, 12, 8)]
    assert [t[:3] for t in dates.date_tokens("Sept 2030, 1st May 2031 and 2029")] == [
        (2030, 9, None),
        (2031, 5, 1),
        (2029, None, None),
    ]
    assert dates.date_tokens("in Mar and Dec") == []
    assert [t[3:] for t in dates.date_tokens("xx 3 May 2031", 2, 13)] == [(3, 13)]
    assert dates.format_date(2031, 3, 1) == "2031-03-01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was previously rated 'Inadequate' in 2028.", ("Inadequate", 2028)),
        ("In 2027 the PDU was previously rated 'Inadequate'.", ("Inadequate", 2027)),
        (
            "It was last inspected in 2028. At that inspection it was previously rated 'Inadequate'.",
            ("Inadequate", 2028),
        ),
        ("The unit was previously rated 'Inadequate'.", ("Inadequate", None)),
        ("It has improved from 'Inadequate' to 'Good'.", ("Inadequate", None)),
        ("The unit kept its 'Good' rating. It was last inspected in 2029.", ("Good", 2029)),
    ],
)
def test_previous_rating_and_year(text, expected):
    rec = one(LEAD.replace("'Good'", "'Good' in a report published on 1 May 2031") + text)
    assert (rec.previous_rating, rec.previous_rating_year) == expected


def test_previous_year_must_be_before_publication():
    rec = one(LEAD + "Published: 1 May 2031. It was previously rated 'Inadequate' in 2032.")
    assert (rec.previous_rating, rec.previous_rating_year) == ("Inadequate", None)


# ----------------------------------------------------------------------------- ratings
@pytest.mark.parametrize(
    ("text", "overall", "standards"),
    [
        ("Ashby PDU was rated as requiring improvement.", "Requires improvement", []),
        (
            "Ashby PDU requires improvement, and was rated 'requires improvement'.",
            "Requires improvement",
            [],
        ),
        ("Ashby PDU received the lowest rating possible.", "Inadequate", []),
        ("Ashby PDU received the second-highest rating.", "Good", []),
        (
            "Ashby PDU is rated 'Outstanding'. Leadership was rated 'Good'.",
            "Outstanding",
            [("Leadership", "Good")],
        ),
        (
            "Ashby PDU is rated 'Good'. Inspectors rated 'Outstanding' for its leadership.",
            "Good",
            [("Leadership", "Outstanding")],
        ),
        (
            "Ashby PDU is rated 'Good'. Unpaid work and court work were both rated 'Inadequate'.",
            "Good",
            [("Court work", "Inadequate"), ("Unpaid work", "Inadequate")],
        ),
        (
            "Ashby PDU is rated 'Good'. Work with victims was strong and judged 'Outstanding'.",
            "Good",
            [("Statutory victim work", "Outstanding")],
        ),
        (
            "Ashby PDU was rated 'Good', rating half of them as 'Good' and half as 'Inadequate'.",
            "Good",
            [],
        ),
        (
            "Ashby PDU is rated 'Good'. It scored 'Inadequate' in six out of seven categories.",
            "Good",
            [],
        ),
        (
            "The scale runs 'Outstanding', 'Good', 'Requires improvement' and 'Inadequate'.",
            None,
            [],
        ),
        ("Ashby PDU has an overall rating of Good.", "Good", []),
        ("Ashby PDU | Inadequate", "Inadequate", []),
        ("Inspectors praised the 'good' culture at Ashby PDU.", "Good", []),
    ],
)
def test_ratings(text, overall, standards):
    rec = one(text)
    assert rec.overall_rating == overall
    assert sorted((s.standard_name, s.rating) for s in rec.standard_ratings) == standards


def test_rating_from_to_and_previous_context():
    rec = one("Ashby PDU has improved from 'Inadequate' in 2028 to 'Good'.")
    assert (rec.overall_rating, rec.previous_rating) == ("Good", "Inadequate")
    rec = one(
        "Ashby PDU, which was rated 'Inadequate' at its last inspection, has now been rated 'Good'."
    )
    assert (rec.overall_rating, rec.previous_rating) == ("Good", "Inadequate")
    rec = one("Ashby PDU was rated 'Good' this time; last time it was rated 'Inadequate'.")
    assert (rec.overall_rating, rec.previous_rating) == ("Good", "Inadequate")


def test_canonical_rating_and_links():
    assert ratings.canonical_rating("Requires  Improvements") == "Requires improvement"
    assert ratings.canonical_rating("outstanding") == "Outstanding"
    assert ratings._links(" was rated '") and ratings._links(
        " in the region was strong and rated '"
    )
    assert not ratings._links(" as Brookfield PDU rated '")
    assert not ratings._links(" " + "x" * (ratings.LINK_WINDOW + 1))
    assert ratings._domain_before("1.2 Leadership | ") == [("Leadership", "1.2")]
    assert ratings._domain_before("Assessment, planning and reviewing were all rated '") == [
        ("Assessment", ""),
        ("Planning", ""),
        ("Reviewing", ""),
    ]
    assert ratings._domain_after(" overall and in leadership and staffing.") == [
        ("Leadership", ""),
        ("Staff", ""),
    ]
    assert ratings._domain_after(" for the unit") == []


# ----------------------------------------------------------------------------- units
@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Ashby PDU has been rated 'Good'.", ("PDU", "Ashby")),
        ("Ashby Probation Delivery Unit has been rated 'Good'.", ("PDU", "Ashby")),
        ("The probation service (PDU) in Ashby has been rated 'Good'.", ("PDU", "Ashby")),
        ("The PDU for Ashby Vale has been rated 'Good'.", ("PDU", "Ashby Vale")),
        ("Probation service for Ashby rated 'Good'", ("PDU", "Ashby")),
        ("Probation services in the North East rated 'Good'", ("region", "North East")),
        ("The North East probation region was rated 'Good'.", ("region", "North East")),
        ("Ashby Community Rehabilitation Company was rated 'Good'.", ("CRC", "Ashby CRC")),
        ("Ashby CRC was rated 'Good'.", ("CRC", "Ashby CRC")),
        ("The NPS Fenland division was rated 'Good'.", ("NPS division", "NPS Fenland division")),
        (
            "The National Probation Service (NPS) Fenland Division was rated 'Good'.",
            ("NPS division", "NPS Fenland division"),
        ),
        (
            "The Fenland division of the NPS was rated 'Good'.",
            ("NPS division", "NPS Fenland division"),
        ),
        ("The NPS in Fenland was rated 'Good'.", ("NPS division", "NPS Fenland division")),
        ("Fenland NPS was rated 'Good'.", ("NPS division", "NPS Fenland division")),
        ("The Probation Service has been rated 'Inadequate'.", ("national", "Probation Service")),
        ("Newcastle upon Tyne PDU was rated 'Good'.", ("PDU", "Newcastle upon Tyne")),
        ("Ashby & Cole PDU was rated 'Good'.", ("PDU", "Ashby and Cole")),
    ],
)
def test_unit_forms(text, unit):
    rec = one(text)
    assert (rec.unit_type, rec.unit_name) == unit


def test_subject_over_region_and_sibling():
    rec = one(
        "Probation service for Ashby rated 'Good'\n\nAshby is one of five PDUs in the North West "
        "region. Neighbouring Cole PDU was rated 'Inadequate' last year."
    )
    assert (rec.unit_type, rec.unit_name, rec.region, rec.overall_rating) == (
        "PDU",
        "Ashby",
        "North West",
        "Good",
    )
    rec = one("Ashby PDU was rated 'Good'. Unlike Cole PDU, it kept morale high.")
    assert rec.unit_name == "Ashby"


def test_url_breaks_a_tie():
    text = "Two units were inspected. Ashby PDU works well. Cole PDU works well."
    [rec] = extract_text(text, url="https://example.org/news/cole-pdu-inspection")
    assert rec.unit_name == "Cole"


def test_mentions_obliqueness_and_siblings():
    assert (
        oblique_before("in the ", 7)
        and oblique_before("PDU's ", 6)
        and not oblique_before("as ", 3)
    )
    [rec] = extract_text(
        "The others are Cole PDU and Dale PDU, rated 'Good'. Ashby PDU was rated 'Inadequate'."
    )
    assert (rec.unit_name, rec.overall_rating) == ("Ashby", "Inadequate")


def test_names():
    t = "However, Leicester, Leicestershire and Rutland PDU"
    assert names.name_before(t, t.index(" PDU")) == ("Leicester, Leicestershire and Rutland", 9)
    t = "in Kent, Surrey and Sussex (KSS) have"
    assert names.name_after(t, t.index("Kent")) == ("Kent, Surrey and Sussex", 26)
    assert names.name_before("the PDU", 3) is None and names.name_after("the end", 0) is None
    t = "Home\nFenland"
    assert names.name_before(t + " NPS", len(t)) == ("Fenland", 5)
    assert names.name_after("Ashby and     Cole", 0) == ("Ashby", 5)
    assert names.name_after("Ashby and  Cole", 0) == ("Ashby and Cole", 15)
    assert names.name_after("Ashby - Cole PDU", 0) == ("Ashby-Cole", 12)
    assert names.name_before("x" * 200 + " Ashby", 206) == ("Ashby", 201)


def test_trigger_and_region_of():
    assert trigger("a.b", "c").pattern == "a\\.b|c"
    rec = one("Ashby PDU was rated 'Good'. It lies in Greater Manchester.")
    assert rec.region == "Greater Manchester"
    rec = one(
        "Greater Manchester and Ashby PDU was rated 'Good'. Inspectors across England and Wales."
    )
    assert rec.region is None


# ----------------------------------------------------------------------------- cases and counts
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Work to keep people safe was missing or insufficient in 35% of cases.",
            [("overall", "keep_safe", "shortfall", 35.0)],
        ),
        (
            "Practitioners engaged people well in forty per cent of cases.",
            [("overall", "engagement", "sufficient", 40.0)],
        ),
        (
            "Assessment of risk of harm was sufficient in 62% of cases, compared with 41% for planning.",
            [
                ("assessment", "keep_safe", "sufficient", 62.0),
                ("planning", "keep_safe", "sufficient", 41.0),
            ],
        ),
        (
            "Work on desistance was sufficient in just over a third of the cases.",
            [("overall", "desistance", "sufficient", 33.0)],
        ),
        (
            "Reviewing of compliance was good enough in 70 per cent of cases.",
            [("reviewing", "compliance", "sufficient", 70.0)],
        ),
        (
            "Court reports on safety were sufficient in 80% of cases.",
            [("court_reports", "keep_safe", "sufficient", 80.0)],
        ),
        (
            "Victims could make their views known in 90% of cases.",
            [("victim_work", "victim_contribution", "sufficient", 90.0)],
        ),
        (
            "Delivery of services to protect the public was sufficient in 55% of cases.",
            [("implementation_delivery", "keep_safe", "sufficient", 55.0)],
        ),
        (
            "Unpaid work kept people safe well enough in 66% of cases.",
            [("unpaid_work", "keep_safe", "sufficient", 66.0)],
        ),
    ],
)
def test_case_measures(text, expected):
    got = sorted((c.stage, c.aspect, c.judged, c.value_pct) for c in one(LEAD + text).case_measures)
    assert got == expected


def test_case_measure_counts_and_qualifiers():
    [c] = one(
        LEAD + "Planning for safety was judged sufficient in 48 of the 60 cases."
    ).case_measures
    assert (c.n_counted, c.n_cases, c.value_pct) == (48, 60, None)
    [c] = one(
        LEAD + "Work to keep people safe was sufficient in nearly half of the cases."
    ).case_measures
    assert (c.value_pct, c.qualifier) == (50.0, "<")
    [c] = one(LEAD + "Safety work was sufficient in over 70% of cases.").case_measures
    assert (c.value_pct, c.qualifier, c.evidence.text) == (70.0, ">", "over 70%")
    rec = one(LEAD + "Work was sufficient in 70% of cases.")
    assert rec.case_measures == [] and rec.candidates[0].field == "case_measure"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We inspected 120 cases.", (120, None, None)),
        (
            "Inspectors looked at 60 cases; 41 were community sentences and 19 were released on licence.",
            (60, 41, 19),
        ),
        ("A total of 90 cases were inspected.", (90, None, None)),
        ("Inspectors said 90 cases were late.", (None, None, None)),
        ("90 cases were inspected at Ashby.", (90, None, None)),
        ("The sample consisted of 64 cases.", (64, None, None)),
        ("The sample comprised 50 cases.", (50, None, None)),
        ("Inspectors reviewed a sample of 77 cases.", (77, None, None)),
        ("Work was good in 14 out of 60 cases inspected.", (60, None, None)),
        ("We read 70 cases, 80 of them licences.", (70, None, None)),
    ],
)
def test_case_sample(text, expected):
    rec = one(LEAD + text)
    assert (rec.cases_inspected, rec.cases_community, rec.cases_licence) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The report makes nine recommendations.", 9),
        ("The report makes 4 key recommendations.", 4),
        ("Two of the five recommendations were met.", None),
        ("\n\nRecommendations\n1. Do this.\n2. Do that.\n3. And this.\n5. Not this.", 3),
        ("\n\nRecommendations\n1. Do this.\n3. Not this.", 1),
        ("\n\nRecommendations\nNone were made.", None),
        ("That inspection made five recommendations.", None),
    ],
)
def test_recommendations(text, expected):
    assert one(LEAD + text).n_recommendations == expected


def test_several_recommendation_counts_warn():
    rec = one(LEAD + "The report makes nine recommendations. It repeats 3 recommendations.")
    assert rec.n_recommendations == 9
    assert any(c.field == "n_recommendations" for c in rec.candidates)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The CRC scored 15 out of a possible 27.", (15, 27)),
        ("It scored just three points out of 27.", (3, 27)),
        ("It scored 30 out of 27.", (None, None)),
        ("It previously scored 12 out of 27.", (None, None)),
    ],
)
def test_score(text, expected):
    rec = one("Ashby CRC was rated 'Good'. " + text)
    assert (rec.score, rec.score_max) == expected


def test_units_module_helpers():
    a, b = units.find_mentions(_doc("Ashby PDU and Cole PDU"))
    assert units.coordinated("Ashby PDU and Cole PDU", a, b)
    a, b = units.find_mentions(_doc("Ashby PDU met Cole PDU"))
    assert not units.coordinated("Ashby PDU met Cole PDU", a, b)
    assert units._canonical("PDU?", "North East", "service", "", 0)[0] == "region"
    assert units._canonical("region", "Nowhere", "typed", "", 0) is None


def _doc(text: str):
    from probstats.extract.finders.context import Doc
    from probstats.extract.readers import Source
    from probstats.extract.text import Segment, sentences

    return Doc(Source(text, "text"), text, Segment(0, len(text)), list(sentences(text)))


def test_all_four_aspects_and_victim_scheme():
    rec = one(
        LEAD + "Inspectors rated all four aspects of case supervision as 'Requires improvement'."
    )
    assert [s.standard_name for s in rec.standard_ratings] == list(ratings.CASE_SUPERVISION)
    rec = one(LEAD + "The victim contact scheme was assessed as 'Outstanding'.")
    assert [(s.standard_name, s.rating) for s in rec.standard_ratings] == [
        ("Statutory victim work", "Outstanding")
    ]


def test_hard_wrapped_text_is_read_across_line_breaks():
    text = (
        "Ashby PDU, one of the units we visited in the north of the county in the\n"
        "spring, has been rated 'Good' by inspectors who spent two weeks with its\n"
    ) * 5
    rec = one(text)
    assert (rec.unit_name, rec.overall_rating) == ("Ashby", "Good")
    assert text[rec.evidence["overall_rating"].start : rec.evidence["overall_rating"].end] == "Good"


@pytest.mark.parametrize(
    ("value", "read"), [(1899, True), (1900, False), (2100, False), (2101, True)]
)
def test_numbers_that_look_like_years_are_not_counts(value, read):
    facts = one(LEAD + f"The unit supervises {value} people.").staffing
    assert bool(facts) is read


def test_neighbouring_figures_keep_their_own_words():
    got = staff("Caseloads averaged 40, 12 staff were absent, and 9 vacancies for POs remained.")
    assert got == [
        ("caseload_average", "all", 40.0, "", "cases"),
        ("vacancies", "PO", 9.0, "", "count"),
    ]
    got = staff("In 2031, the vacancy rate for POs was 9% and for PSOs 4%.")
    assert [(m, g, v) for m, g, v, *_ in got] == [
        ("vacancy_rate", "PO", 9.0),
        ("vacancy_rate", "PSO", 4.0),
    ]


def test_confidences_of_attached_values():
    rec = one("Ashby PDU has received an overall rating of 'Good'. Its overall rating rested on leadership, "
              "which was rated 'Outstanding'. It was rated 'Good' overall and in leadership.")  # fmt: skip
    assert rec.confidence["overall_rating"] == 0.95
    # the standard from "rated 'Good' overall and in leadership" (0.85) in a sentence naming no unit
    assert {(s.standard_name, s.confidence) for s in rec.standard_ratings} == {
        ("Leadership", 0.765)
    }


# ----------------------------------------------------------------------------- dates in detail
@pytest.mark.parametrize(
    ("text", "lo", "hi", "expected"),
    [
        ("1 May 2031 and 4 June 2032", 0, 12, [(2031, 5, 1)]),
        ("we may go on 3 June 2031", 0, None, [(2031, 6, 3)]),
        ("June 2031 and 3 July", 0, None, [(2031, 6, None)]),
        ("2029 and May 2031", 0, None, [(2029, None, None), (2031, 5, None)]),
        ("1 May 2030, 12 and 14 June 2031", 0, None, [(2030, 5, 1), (2031, 6, 12), (2031, 6, 14)]),
        ("3 May, 4 June and 5 July 2031", 0, None, [(2031, 5, 3), (2031, 6, 4), (2031, 7, 5)]),
    ],
)
def test_date_tokens_in_detail(text, lo, hi, expected):
    assert [t[:3] for t in dates.date_tokens(text, lo, hi)] == expected


@pytest.mark.parametrize(
    ("text", "year"),
    [
        # the year next to the previous rating wins over a year elsewhere
        (
            "The unit was last inspected in 2027 for court work. It was previously rated 'Requires improvement' in 2028.",
            2028,
        ),
        ("In 2025, 2026 and 2028 it was previously rated 'Requires improvement'.", 2028),
        # a publication sentence is about a report, not the previous inspection
        (
            "Our previous report was published on 2 March 2029. It was previously rated 'Requires improvement'.",
            None,
        ),
        (
            "Our previous report was published on 2 March 2029. It was last inspected in 2028. "
            "It was previously rated 'Requires improvement'.",
            2028,
        ),
        # not the year of this report
        ("Published: 1 May 2031. It was previously rated 'Requires improvement' in 2031.", None),
    ],
)
def test_previous_rating_year_in_detail(text, year):
    rec = one(
        "Ashby PDU has received an overall rating of 'Good', published on 1 May 2031. " + text
    )
    assert (rec.previous_rating, rec.previous_rating_year) == ("Requires improvement", year)


def test_report_cover_month():
    rec = one(
        "HMI Probation, June 2030\n\nAn inspection of Ashby PDU\n\nAshby PDU was rated 'Good'."
    )
    assert rec.publication_date == "2030-06"
    ev = rec.evidence["publication_date"]
    assert (ev.text, rec.confidence["publication_date"]) == ("HMI Probation, June 2030", 0.8)
    far = "Ashby PDU was rated 'Good'. " + "Staff were kind. " * 200 + "HMI Probation, June 2030"
    assert one(far).publication_date is None
    rec = one(
        "HMI Probation, June 2030. Ashby PDU was rated 'Good'. The report was published on 2 July 2030."
    )
    assert rec.publication_date == "2030-07-02"


# ----------------------------------------------------------------------------- ratings in detail
def test_kept_rating_is_current_and_previous():
    rec = one("Ashby PDU kept its 'Good' rating after the inspection.")
    assert (rec.overall_rating, rec.previous_rating) == ("Good", "Good")
    assert (rec.confidence["overall_rating"], rec.confidence["previous_rating"]) == (0.9, 0.9)
    assert rec.evidence["overall_rating"].text == "Good"
    rec = one("Ashby PDU is rated 'Good'. It kept its 'Outstanding' rating for leadership.")
    assert rec.previous_rating is None
    assert [(s.standard_name, s.rating) for s in rec.standard_ratings] == [
        ("Leadership", "Outstanding")
    ]


def test_aspect_counts_leave_no_candidate():
    for text in (
        "Ashby PDU is rated 'Good'. The PDU was 'Inadequate' in six out of seven categories.",
        "Ashby PDU is rated 'Good'. Inspectors rated three of the areas as 'Inadequate'.",
    ):
        rec = one(text)
        assert rec.overall_rating == "Good" and rec.candidates == [], text


def test_from_to_with_an_earlier_to_in_the_sentence():
    rec = one("Ashby PDU went to great lengths and has improved from 'Inadequate' to 'Good'.")
    assert (rec.overall_rating, rec.previous_rating) == ("Good", "Inadequate")
    assert rec.confidence["previous_rating"] == 0.9


def test_previous_context_confidence_and_clause():
    rec = one("Ashby PDU is rated 'Good'. It was previously rated 'Inadequate'.")
    assert rec.confidence["previous_rating"] == 0.81  # 0.9, given to Ashby from the sentence before
    rec = one(
        "Ashby PDU was rated 'Good' this time; last time, it was rated 'Inadequate'; it was last inspected in 2028."
    )
    assert (rec.overall_rating, rec.previous_rating) == ("Good", "Inadequate")


def test_domain_hits_keep_the_longer_overlapping_name():
    assert ratings._domain_hits("implementation and delivery") == [
        (0, 27, "Implementation and delivery")
    ]
    assert ratings._domain_hits("delivery of services") == [(0, 20, "Implementation and delivery")]
    assert ratings._domain_hits("leadership, staff and services") == [
        (0, 10, "Leadership"),
        (12, 17, "Staff"),
        (22, 30, "Services"),
    ]
    assert ratings._domain_hits("") == []


def test_canonical_rating_of_participles():
    assert ratings.canonical_rating("Requiring improvement") == "Requires improvement"
    assert ratings.canonical_rating("REQUIRED IMPROVEMENT") == "Requires improvement"


def test_list_of_standards_stops_at_a_gap():
    assert ratings._domain_before(
        "Leadership was praised; assessment and planning were rated '"
    ) == [("Assessment", ""), ("Planning", "")]
    assert ratings._domain_after(" in leadership, then some words about staffing") == [
        ("Leadership", "")
    ]
    assert ratings._domain_before("All four aspects were rated '") == [
        (n, "") for n in ratings.CASE_SUPERVISION
    ]


# ----------------------------------------------------------------------------- owners in detail
def test_value_before_two_units_belongs_to_the_first():
    rec = one(
        "Ashby PDU has been rated 'Good'. A vacancy rate of 30% for POs troubled Ashby PDU and then Cole PDU."
    )
    assert [(f.measure, f.value) for f in rec.staffing] == [("vacancy_rate", 30.0)]


def test_clause_break_lowers_the_attachment():
    rec = one(
        "Cole PDU has been rated 'Good'. Cole PDU has high caseloads; the vacancy rate for POs was 20%."
    )
    [f] = rec.staffing
    assert f.confidence == 0.855  # owner named in the sentence, not in the value's own clause
    rec = one("Cole PDU has been rated 'Good'. At Cole PDU the vacancy rate for POs was 20%.")
    assert rec.staffing[0].confidence == 0.9


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Ashby PDU was rated 'Good'. It serves Mid-Wales.", None),
        (
            "Ashby PDU was rated 'Good'. Across England and Wales, and in London, staff were stretched.",
            "London",
        ),
        (
            "Ashby PDU was rated 'Good'. It lies in Yorkshire and Humber.",
            "Yorkshire and the Humber",
        ),
        ("Ashby PDU was rated 'Good'. It lies in the North West.", "North West"),
    ],
)
def test_regions_named_in_passing(text, region):
    assert one(text).region == region


def test_sentence_before_the_first_one():
    doc = _doc("  Ashby PDU.")
    assert doc.sentence(0) == type(doc.sents[0])(0, 0)
    assert doc.owner(0) == (None, "none")


# ----------------------------------------------------------------------------- cases in detail
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We inspected 60 cases; 60 were community sentences.", (60, 60, None)),
        (
            "We inspected 60 cases; 80 people were seen and 40 were community sentences.",
            (60, 40, None),
        ),
        ("We inspected 60 cases: 41 community orders and 12 community sentences.", (60, 41, None)),
        ("We inspected 60 cases. 41 were community sentences.", (60, None, None)),
    ],
)
def test_case_sample_split_in_detail(text, expected):
    rec = one(LEAD + text)
    assert (rec.cases_inspected, rec.cases_community, rec.cases_licence) == expected


def test_previous_inspection_sample_and_shares_are_candidates():
    rec = one(LEAD + "Previously, we inspected 80 cases, 50 of them community sentences.")
    assert (rec.cases_inspected, rec.cases_community) == (None, None)
    assert {c.field for c in rec.candidates} == {"cases_inspected", "cases_community"}
    rec = one(
        LEAD + "In our previous inspection, assessment of safety was sufficient in 40% of cases."
    )
    assert rec.case_measures == [] and rec.candidates[0].field == "case_measure"


def test_judgement_is_read_in_its_own_sentence():
    rec = one(LEAD + "Assessment of safety was sufficient in 62% of cases. Planning was poor.")
    assert [c.judged for c in rec.case_measures] == ["sufficient"]


def test_shares_in_words_in_detail():
    rec = one(
        LEAD + "Safety work was sufficient in nearly half of cases. Staffing was at 90% of target."
    )
    [c] = rec.case_measures
    assert (c.value_pct, c.qualifier, c.evidence.text) == (50.0, "<", "half")
    rec = one(LEAD + "Safety work was sufficient in just over a third of the cases. Desistance work was "
              "sufficient in a quarter of cases.")  # fmt: skip
    assert [(c.value_pct, c.qualifier) for c in rec.case_measures] == [(33.0, ">"), (25.0, "~")]
    assert (
        one(LEAD + "A quarter of staff said their safety work was sufficient.").case_measures == []
    )


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Planning for safety was judged sufficient in 60 of the 60 cases.", (60, 60)),
        ("Planning for safety was judged not sufficient in 20 of the 60 cases.", None),
        ("Planning for safety was judged sufficient in 70 of the 60 cases.", None),
    ],
)
def test_counted_cases(text, counted):
    got = [(c.n_counted, c.n_cases) for c in one(LEAD + text).case_measures]
    assert got == ([counted] if counted else [])


# ----------------------------------------------------------------------------- counts in detail
def test_recommendations_in_detail():
    rec = one(
        LEAD
        + "Two of the five recommendations were met, and the report makes six new recommendations."
    )
    assert rec.n_recommendations == 6
    rec = one(LEAD + "The report makes six recommendations. It was previously rated 'Inadequate'.")
    assert (rec.n_recommendations, rec.confidence["n_recommendations"]) == (6, 0.81)
    rec = one(LEAD + "\n\nRecommendations\n1. Do this now.\n2. Do that soon.")
    assert rec.n_recommendations == 2
    assert rec.warnings == ["number of recommendations counted from the numbered list"]


def test_score_in_detail():
    rec = one("Ashby CRC was rated 'Good'. It scored 27 out of 27.")
    assert (rec.score, rec.score_max) == (27, 27)
    rec = one(
        "Ashby CRC was rated 'Good'. It scored 30 out of 27 in error. Later it scored 15 out of 27."
    )
    assert (rec.score, rec.score_max) == (15, 27)


def test_nps_division_named_by_its_area_alone():
    rec = one("Inspectors rated NPS Wales as 'Good' overall.")
    assert (rec.unit_type, rec.unit_name) == ("NPS division", "NPS Wales division")
    rec = one("Inspectors rated NPS Fenland as 'Good' overall.")
    assert rec.unit_type is None


# ----------------------------------------------------------------------------- subjects in detail
@pytest.mark.parametrize(
    "lead",
    [
        "Two PDUs were inspected this spring: Harrowgate PDU and Ormsby PDU.",
        "Harrowgate PDU and Ormsby PDU were inspected this spring.",
    ],
)
def test_release_about_several_units_with_one_rated(lead):
    recs = extract_text(
        lead + " Harrowgate PDU staff were praised. Harrowgate PDU has good leaders. "
        "Ormsby PDU was rated 'Good'."
    )
    assert [(r.unit_name, r.overall_rating) for r in recs] == [
        ("Harrowgate", None),
        ("Ormsby", "Good"),
    ]


def test_anchor_scan_goes_on_after_a_false_start():
    assert one("Code XPDU aside, Ashby PDU was rated 'Good'.").unit_name == "Ashby"
    rec = one(
        "The probation service for improvement work is busy. The probation service for Ashby was rated 'Good'."
    )
    assert (rec.unit_type, rec.unit_name) == ("PDU", "Ashby")


def test_url_with_a_name_of_several_words():
    text = "Two units were inspected. Ashby Vale PDU works well. Cole Moor PDU works well."
    [rec] = extract_text(text, url="https://example.org/news/cole-moor-pdu-inspection")
    assert rec.unit_name == "Cole Moor"


def test_longer_bare_name_wins():
    rec = one(
        "Ashby Vale PDU has received an overall rating of 'Good'. Nearby Ashby PDU is larger. "
        "In Ashby Vale the vacancy rate for POs was 20%."
    )
    assert (rec.unit_name, [f.value for f in rec.staffing]) == ("Ashby Vale", [20.0])


def test_names_at_their_edges():
    t = "xAshby Vale PDU"
    assert names.name_before(t, 11, window=10) == ("Vale", 7)  # the cut first word is dropped
    assert names.name_before("Ashby   Vale PDU", 12) == ("Ashby Vale", 0)  # three spaces still join
    assert names.name_before("Ashby    Vale PDU", 13) == ("Vale", 9)  # four do not
    assert names.name_after("Ashby   Vale", 0) == ("Ashby Vale", 12)
    assert names.name_after("Ashby    Vale", 0) == ("Ashby", 5)
    assert names.name_after("Ashby\nVale", 0) == ("Ashby", 5)
    assert names.name_after("Ashby, then", 0) == ("Ashby", 5)
    assert names.name_after("Ashby Vale and then", 0) == ("Ashby Vale", 10)
