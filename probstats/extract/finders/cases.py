"""The case sample (cases inspected, community, licence) and case-sample percentages.

A case-sample percentage is a number followed by "of cases" (or written
before "of the N cases") in a sentence that judges quality. Its stage and
aspect are the nearest stage and aspect words within :data:`STAGE_WINDOW`
characters; whether it counts sufficient or insufficient cases is read from
its own clause, before and after the figure ("missing or insufficient in 30%
of cases" counts shortfalls). In a comparison ("55% for assessment, compared
with 40% for planning") the second figure is read with its own stage.
"""

from __future__ import annotations

import re

from probstats.extract.finders.context import Doc, Found, trigger
from probstats.extract.finders.ratings import PREVIOUS_CONTEXT
from probstats.extract.numerals import (
    DIGITS,
    FRACTION,
    NUMBER,
    PERCENT,
    as_int,
    fraction_value,
    parse_number,
    qualifier_before,
    word_share_qualifier,
)
from probstats.extract.records import CaseMeasure

_I = re.IGNORECASE
_CASES_TOTAL = re.compile(
    rf"\b(?:reviewed|inspected|examined|assessed|looked[ ]+at|read)[ ]+(?:a[ ]+(?:total[ ]+)?"
    rf"(?:sample[ ]+)?of[ ]+)?(?P<n>{DIGITS})[ ]+(?:probation[ ]+|individual[ ]+)?cases\b"
    rf"|\b(?P<n2>{DIGITS})[ ]+cases[ ]+(?:were|have[ ]+been)[ ]+(?:inspected|reviewed|examined)"
    rf"|\bsample[ ]+(?:consisted[ ]+of|comprised(?:[ ]+of)?|was[ ]+made[ ]+up[ ]+of)[ ]+(?P<n3>{DIGITS})[ ]+cases"
    rf"|\bsample[ ]+of[ ]+(?P<n4>{DIGITS})[ ]+cases"
    rf"|\b(?:out[ ]+)?of[ ]+(?:the[ ]+)?(?P<n5>{DIGITS})[ ]+cases[ ]+(?:we[ ]+)?(?:inspected|reviewed|examined)",
    _I,
)
_CASES_TRIGGER = trigger("cases")
#: Every case-sample share is "of" some cases, victims or people.
_SUFFICIENCY_TRIGGER = trigger("cases", "victims", "people", "individuals", "reports", "offenders")
_COMMUNITY = re.compile(r"\bcommunity\b", _I)
_LICENCE = re.compile(r"\blicen[cs]e|post-release|released[ ]+(?:from|on)|\bcustod", _I)
_NUM = re.compile(NUMBER, _I)
_SUFFICIENCY = re.compile(
    r"sufficien|judged|well[ ]+enough|acceptable|satisfactor|adequate|good[ ]+enough|effective|"
    r"appropriate|\bmet\b|able[ ]+to|good[ ]+standard|high[ ]+quality|good[ ]+quality|missing"
    r"|(?<!as )\bwell\b(?![ ]+as\b)|contribut|views[ ]+known|express\w*[ ]+(?:their[ ]+)?views",
    _I,
)
_STAGES = [
    ("court_reports", re.compile(r"court[ ]+reports?|pre-sentence|\bPSRs?\b|court[ ]+work|advice[ ]+to[ ]+(?:the[ ]+)?court", _I)),
    ("unpaid_work", re.compile(r"unpaid[ ]+work", _I)),
    # victims as the stage only when the work with them is the subject ("victim contact",
    # "victims were offered"); "risk to potential victims" is about keeping people safe
    ("victim_work", re.compile(r"\bvictim[ ]+(?:work|contact|liaison)|\bstatutory[ ]+victim|\bvictims?[ ]+(?:were|was|had|could|can|are)\b", _I)),
    ("implementation_delivery", re.compile(r"implementation|\bdelivery\b|\bdelivering\b", _I)),
    ("assessment", re.compile(r"\bassessments?\b|\bassessing\b|\bassessed[ ]+(?:the[ ]+)?(?:risk|need)", _I)),
    ("planning", re.compile(r"\bplanning\b|\bplans?\b", _I)),
    ("reviewing", re.compile(r"\breviewing\b|\breviews?\b", _I)),
]  # fmt: skip
_ASPECTS = [
    ("victim_contribution", re.compile(r"victims?\b[^.]{0,80}?(?:contribut|statement|views)", _I)),
    ("keep_safe", re.compile(r"\bsafe(?:ty|ly)?\b|risk[ ]+of[ ]+(?:serious[ ]+)?harm|protect\w*[ ]+(?:the[ ]+)?(?:public|others|other[ ]+people)|public[ ]+protection|safeguarding", _I)),
    ("desistance", re.compile(r"desist|reoffend|offending-related|rehabilitat", _I)),
    ("engagement", re.compile(r"engag|active[ ]+part|relationship", _I)),
    ("compliance", re.compile(r"\bcompl(?:y|ied|iance)\b|enforcement", _I)),
]  # fmt: skip
_CASEISH = re.compile(
    r"[ ]*\)?[ ]*of[ ]+(?:the[ ]+|all[ ]+|our[ ]+)?(?:[\w-]+[ ]+){0,3}?(?:cases|victims|people|individuals|"
    r"service[ ]+users|reports|those|offenders)\b",
    _I,
)
_COUNT_OF = re.compile(
    rf"\b(?P<a>{DIGITS})[ ]+(?:out[ ]+)?of[ ]+(?:the[ ]+)?(?P<b>{DIGITS})[ ]+(?:[\w-]+[ ]+){{0,2}}?cases\b",
    _I,
)
_SHORTFALL = re.compile(
    r"insufficien|not[ ]+(?:\w+[ ]+)?sufficien|\bfail\w*|did[ ]+not|had[ ]+not|was[ ]+not|were[ ]+not|"
    r"\black\w*|no[ ]+evidence|inadequate|unacceptab|poor|missing|absent",
    _I,
)
_POSITIVE = re.compile(r"judged[ ]+sufficient|were[ ]+sufficient|was[ ]+sufficient", _I)
_CLAUSE = re.compile(
    r";|,[ ]+(?:but|while|whereas|although|compared)\b|\bcompared[ ]+(?:with|to)\b", _I
)
_COMPARED = re.compile(
    r"[ ,]*(?:compared[ ]+(?:with|to)|against|while|whereas|and|but|with)[ ]+(?:only[ ]+|just[ ]+)?$",
    _I,
)
#: Characters around a case figure searched for its stage, aspect and judgement.
STAGE_WINDOW, JUDGE_WINDOW = 120, 120


def find_sample(doc: Doc) -> list[Found]:
    """Cases inspected, and the community / licence split stated in the same sentence."""
    w = doc.work
    for s in doc.sentences_with(_CASES_TRIGGER):
        m = _CASES_TOTAL.search(w, s.start, s.end)
        if m is None:
            continue
        grp = next(g for g in ("n", "n2", "n3", "n4", "n5") if m.group(g))
        n = as_int(parse_number(m.group(grp)))
        if n is None:
            continue
        ctx = "previous" if PREVIOUS_CONTEXT.search(w, s.start, s.end) else ""
        out = [
            Found("cases_inspected", n, doc.evidence(m.start(grp), m.end(grp)), m.start(), 0.9, ctx)
        ]
        nums = [x for x in _NUM.finditer(w, m.end(), s.end) if not PERCENT.match(w, x.start())]
        got: set[str] = set()
        for i, x in enumerate(nums):
            nxt = nums[i + 1].start() if i + 1 < len(nums) else s.end
            post = w[x.end() : min(nxt, x.end() + 80)]
            value = as_int(parse_number(x.group()))
            if value is None or value > n:
                continue
            field = (
                "cases_community"
                if _COMMUNITY.search(post)
                else "cases_licence"
                if _LICENCE.search(post)
                else None
            )
            if field and field not in got:
                got.add(field)
                out.append(
                    Found(field, value, doc.evidence(x.start(), x.end()), x.start(), 0.9, ctx)
                )
        return out
    return []


def _nearest(pats, text: str, lo: int, hi: int, pos: int):
    best = None
    for name, pat in pats:
        for m in pat.finditer(text, lo, hi):
            d = min(abs(m.start() - pos), abs(m.end() - pos))
            if best is None or d < best[0]:
                best = (d, name, m.group())
    return None if best is None else (best[1], best[2])


def _clause(w: str, s0: int, s1: int, pos: int) -> tuple[int, int]:
    lo, hi = max(s0, pos - JUDGE_WINDOW), min(s1, pos + JUDGE_WINDOW)
    a = lo
    for m in _CLAUSE.finditer(w, lo, pos):
        a = m.end()
    m = _CLAUSE.search(w, pos, hi)
    return a, m.start() if m else hi


def _judged(w: str, s0: int, s1: int, pos: int) -> str:
    a, b = _clause(w, s0, s1, pos)
    if _SHORTFALL.search(w, a, b) and not _POSITIVE.search(w, a, b):
        return "shortfall"
    return "sufficient"


_OF_CASES = re.compile(
    r"[ ]*(?:\([^)]{1,20}\)[ ]*)?(?:of[ ]+)?(?:the[ ]+|all[ ]+|our[ ]+)?(?:[\w-]+[ ]+){0,2}?"
    r"(?:cases|victims|people[ ]+on[ ]+probation|individuals)\b",
    _I,
)


def _word_shares(w: str, s0: int, s1: int) -> list[tuple[int, int, float, str]]:
    """Shares in words followed by their cases ("in just over a third of the cases")."""
    out = []
    for m in FRACTION.finditer(w, s0, s1):
        value = fraction_value(m.group())
        if value is None or not _OF_CASES.match(w, m.end(), min(s1, m.end() + 60)):
            continue
        if PERCENT.search(w, m.end(), min(s1, m.end() + 20)):
            continue  # "nearly half (48 per cent)": the figure in brackets is read instead
        qual = (
            ""
            if value in (0, 100)
            else word_share_qualifier(w[max(s0, m.start() - 40) : m.start()])
        )
        out.append((m.start(), m.end(), float(value), qual))
    return out


def _percent_figures(
    w: str, s0: int, s1: int
) -> list[tuple[int, int, float | None, int | None, int | None]]:
    found = []
    prev_case = None
    for m in PERCENT.finditer(w, s0, s1):
        caseish = _CASEISH.match(w, m.end(), min(s1, m.end() + 80))
        compared = prev_case is not None and _COMPARED.search(
            w, max(prev_case, m.start() - 40), m.start()
        )
        if caseish or compared:
            found.append((m.start(), m.end(), parse_number(m.group("pct")), None, None))
            prev_case = m.end()
    for m in _COUNT_OF.finditer(w, s0, s1):
        a, b = as_int(parse_number(m.group("a"))), as_int(parse_number(m.group("b")))
        before = w[max(s0, m.start() - 60) : m.start()]
        cue = _SUFFICIENCY.search(before)
        if (
            a is not None
            and b is not None
            and a <= b
            and cue
            and not re.search(r"\bnot\b|\bun\w+$|[;:]", before[max(0, cue.start() - 5) :])
        ):
            found.append((m.start(), m.end(), None, a, b))
    return found


def find_case_measures(doc: Doc) -> list[Found]:
    """Case-sample percentages with stage, aspect and judgement."""
    out: list[Found] = []
    w = doc.work
    for s in doc.sentences_with(_SUFFICIENCY_TRIGGER):
        ctx = "previous" if PREVIOUS_CONTEXT.search(w, s.start, s.end) else ""
        shares = _word_shares(w, s.start, s.end)
        words = {a: (q, 0) for a, _, _, q in shares}
        figures = _percent_figures(w, s.start, s.end) + [
            (a, b, v, None, None) for a, b, v, _ in shares
        ]
        for a, b, pct, n_suff, n_cases in figures:
            lo, hi = _clause(w, s.start, s.end, a)
            stage = _nearest(
                _STAGES,
                w,
                max(s.start, a - STAGE_WINDOW),
                min(s.end, b + STAGE_WINDOW),
                (a + b) // 2,
            )
            here = _nearest(_STAGES, w, lo, hi, (a + b) // 2)
            # with no stage near the figure, the stage the sentence opened with carries over
            stage = here or stage or _nearest(_STAGES, w, s.start, a, s.start)
            aspect = _nearest(
                _ASPECTS, w, max(s.start, a - 2 * STAGE_WINDOW), min(s.end, b + 2 * STAGE_WINDOW), a
            )
            qual, qlen = words.get(a, qualifier_before(w[max(s.start, a - 40) : a]))
            notes = "; ".join(
                f"{k} from '{v[1]}'" for k, v in (("stage", stage), ("aspect", aspect)) if v
            )
            cm = CaseMeasure(
                stage=stage[0] if stage else "overall",
                aspect=aspect[0] if aspect else "quality",
                value_pct=pct,
                evidence=doc.evidence(a - qlen, b),
                judged=_judged(w, s.start, s.end, a),
                n_counted=n_suff,
                n_cases=n_cases,
                qualifier=qual,
                notes=notes or "stage and aspect not named; recorded as overall quality",
            )
            # With no aspect named, what the share measures is a guess; with no judgement
            # ("sufficient", "had not") it may be a feature of the cases: review candidates.
            judged_words = _SUFFICIENCY.search(w, s.start, hi) or _SHORTFALL.search(w, s.start, hi)
            conf = 0.85 if aspect and judged_words else 0.45
            out.append(Found("case_measure", cm, cm.evidence, a, conf, ctx))
    return out
