"""产教融合: internships and the seed's rule that a student needs at least 6 months of internship in all.

Months are counted on the union of a student's placements (overlapping placements count once):
months = days covered ÷ 30.4375 (the mean Gregorian month, 365.25 ÷ 12). A student **reaches 6 months** on the day the
union first covers ⌈6 × 30.4375⌉ = 183 days. Per host enterprise, an intern **completed 6 months** in year Y when the
union of that student's placements at that host covers ≥ 183 days and its last day falls in Y; that count is the
input ``interns_6m`` of the internship subsidy (rules/policies/internship.yaml) for an evaluation in year Y + 1: the
rules read it from the records (:func:`interns_6m`, source :data:`SOURCE`) for every host that has records, in place of
a declared figure, so that 免申即享 screening rests on the records.
Source of the 6-month requirement: the seed (郑州市2026年两会报道), "规定相关专业学生必须有累计不少于6个月的实习期".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select

from chainatlas import db
from chainatlas.registry.queries import enterprise_names

MONTH_DAYS = 365.25 / 12
REQUIRED_MONTHS = 6
REQUIRED_DAYS = math.ceil(REQUIRED_MONTHS * MONTH_DAYS)  # 183
SOURCE = "实习记录（平台）"


def union_days(spans: Iterable[tuple[dt.date, dt.date]], until: dt.date | None = None) -> int:
    """Days covered by the union of inclusive date ranges, counting only days up to ``until`` when given.

    >>> d = dt.date
    >>> union_days([(d(2026, 1, 1), d(2026, 1, 31)), (d(2026, 1, 20), d(2026, 2, 9))])
    40
    >>> union_days([(d(2026, 1, 1), d(2026, 1, 10)), (d(2026, 3, 1), d(2026, 3, 10))], until=d(2026, 3, 5))
    15
    """
    total, end_so_far = 0, None
    for start, end in sorted(spans):
        if until is not None:
            end = min(end, until)
        if end < start:
            continue
        if end_so_far is not None and start <= end_so_far:
            start = end_so_far + dt.timedelta(days=1)
        if end >= start:
            total += (end - start).days + 1
        end_so_far = end if end_so_far is None else max(end_so_far, end)
    return total


def months(days: int) -> float:
    """Days as months of 30.4375 days, to one decimal.

    >>> months(183), months(182)
    (6.0, 6.0)
    """
    return round(days / MONTH_DAYS, 1)


def _placements(engine: Engine, *, school: str | None = None, host: str | None = None) -> list[dict[str, Any]]:
    i = db.internship.c
    stmt = select(db.internship).order_by(i.student_ref, i.start_on)
    if school:
        stmt = stmt.where(i.school == school)
    if host:
        stmt = stmt.where(i.host_uscc == host)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def students(engine: Engine, *, school: str | None = None, major: str | None = None,
             today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per student (of a school, a major): placements, hosts, months done by ``today`` and planned in all, whether
    6 months are reached; those short of 6 months first."""
    today = today or dt.date.today()
    by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for p in _placements(engine, school=school):
        if major and p["major"] != major:
            continue
        by.setdefault((p["school"], p["student_ref"]), []).append(p)
    out = []
    for (sch, ref), ps in by.items():
        spans = [(p["start_on"], p["end_on"]) for p in ps]
        done, planned = union_days(spans, until=today), union_days(spans)
        out.append({"school": sch, "student_ref": ref, "major": ps[0]["major"], "placements": len(ps),
                    "hosts": len({p["host_uscc"] for p in ps}), "months_done": months(done),
                    "months_planned": months(planned), "reached": done >= REQUIRED_DAYS,
                    "will_reach": planned >= REQUIRED_DAYS})
    return sorted(out, key=lambda r: (r["reached"], r["months_done"], r["school"], r["student_ref"]))


def by_school(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per school and major of ``rows`` (of :func:`students`): students, how many reached 6 months, how many
    will not reach them as planned."""
    agg: dict[tuple[str, str], dict[str, Any]] = {}
    for s in rows:
        g = agg.setdefault((s["school"], s["major"]), {"school": s["school"], "major": s["major"], "students": 0,
                                                        "reached": 0, "short_as_planned": 0})
        g["students"] += 1
        g["reached"] += int(s["reached"])
        g["short_as_planned"] += int(not s["will_reach"])
    return sorted(agg.values(), key=lambda g: (g["school"], g["major"]))


def completed_per_host(placements: Iterable[dict[str, Any]]) -> dict[tuple[str, int], int]:
    """(host USCC, year) → interns who completed 6 months at that host, the year being that of the last day.

    >>> d = dt.date
    >>> ps = [{"host_uscc": "H", "student_ref": "a", "start_on": d(2025, 3, 1), "end_on": d(2025, 6, 30)},
    ...       {"host_uscc": "H", "student_ref": "a", "start_on": d(2025, 6, 1), "end_on": d(2025, 9, 30)},
    ...       {"host_uscc": "H", "student_ref": "b", "start_on": d(2025, 3, 1), "end_on": d(2025, 5, 31)}]
    >>> completed_per_host(ps)
    {('H', 2025): 1}
    """
    spans: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
    for p in placements:
        spans.setdefault((p["host_uscc"], p["student_ref"]), []).append((p["start_on"], p["end_on"]))
    out: dict[tuple[str, int], int] = {}
    for (host, _), ss in spans.items():
        if union_days(ss) >= REQUIRED_DAYS:
            key = (host, max(e for _, e in ss).year)
            out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def by_host(engine: Engine, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per host enterprise: interns, mentors, interns who completed 6 months per year (the subsidy's input)."""
    today = today or dt.date.today()
    ps = _placements(engine)
    done = completed_per_host(p for p in ps if p["end_on"] <= today)
    names = enterprise_names(engine, sorted({p["host_uscc"] for p in ps}))
    agg: dict[str, dict[str, Any]] = {}
    for p in ps:
        g = agg.setdefault(p["host_uscc"], {"host_uscc": p["host_uscc"], "name": names.get(p["host_uscc"]),
                                            "interns": set(), "mentors": set(), "current": 0})
        g["interns"].add(p["student_ref"])
        if p["mentor"]:
            g["mentors"].add(p["mentor"])
        g["current"] += int(p["start_on"] <= today <= p["end_on"])
    rows = []
    for host, g in agg.items():
        per_year = {y: n for (h, y), n in done.items() if h == host}
        rows.append({"host_uscc": host, "name": g["name"], "interns": len(g["interns"]), "mentors": len(g["mentors"]),
                     "current": g["current"], "completed_6m_last_year": per_year.get(today.year - 1, 0),
                     "completed_6m_this_year": per_year.get(today.year, 0)})
    return sorted(rows, key=lambda r: (-r["interns"], r["host_uscc"]))


def interns_6m(engine: Engine, on: dt.date, host: str | None = None) -> dict[str, int]:
    """Host USCC → interns who completed 6 months at it in the year before ``on`` (the subsidy's "上年度"), for every
    host with internship records (0 where none completed), or for ``host`` alone. The rules read it in place of a
    declared figure."""
    year = on.year - 1
    ps = _placements(engine, host=host)
    done = completed_per_host(p for p in ps if p["end_on"] < on)
    return {h: done.get((h, year), 0) for h in sorted({p["host_uscc"] for p in ps})}
