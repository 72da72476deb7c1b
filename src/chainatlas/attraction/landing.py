"""What a project changes in the atlas when it lands ("if landed", 落地后): the segment recomputed with the target
as a local enterprise of the landing county, placed on the segment. Its existing supplies to the chain's local firms
then count as local purchases, so the segment's local share can rise as well as its count of local firms. This is a
what-if on the current data, labelled as such; nothing is written.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Engine

from chainatlas.analysis.atlas import chain_atlas
from chainatlas.analysis.snapshot import Snapshot, load_snapshot, opaque_version
from chainatlas.analysis.suppression import NOTE

KEEP = ("code", "name_zh", "name_en", "status", "status_zh", "local_enterprises", "inputs_value_yuan",
        "inputs_local_value_yuan", "local_share")


def landed(snap: Snapshot, uscc: str, segment_code: str, region_code: str) -> Snapshot:
    """The snapshot with enterprise ``uscc`` registered in ``region_code`` and placed on ``segment_code`` (a firm not
    in the register is added with that code and nothing else)."""
    ents = snap.enterprises
    if ents.filter(pl.col("uscc") == uscc).height:
        ents = ents.with_columns(pl.when(pl.col("uscc") == uscc).then(pl.lit(region_code)).otherwise(pl.col("region_code"))
                                 .alias("region_code"),
                                 pl.when(pl.col("uscc") == uscc).then(pl.lit("CN")).otherwise(pl.col("country_code"))
                                 .alias("country_code"))
    else:
        ents = pl.concat([ents, pl.DataFrame({"uscc": [uscc], "region_code": [region_code], "country_code": ["CN"]})],
                         how="diagonal_relaxed")
    placements = snap.placements
    if not placements.filter((pl.col("uscc") == uscc) & (pl.col("segment_code") == segment_code)).height:
        placements = pl.concat([placements, pl.DataFrame(
            {"uscc": [uscc], "segment_code": [segment_code], "evidence": ["declared"], "confidence": [1.0]},
            schema=placements.schema)])
    return Snapshot(ents, placements, snap.links, snap.segments,
                    opaque_version(snap.version, "landed", uscc, segment_code, region_code), snap.as_of)


def if_landed(snap: Snapshot, chain_id: str, *, home: str, uscc: str, segment_code: str,
              region_code: str | None = None, period: str | None = None) -> dict[str, Any]:
    """The segment's atlas row now and if the target landed in ``region_code`` (default: the home area itself).

    On the three-firm example, C (Suzhou) supplies packs for 100 of A's 400: landed in Zhengzhou, the pack segment has
    two local firms and all of A's pack purchases are local.

    >>> from chainatlas.analysis.snapshot import example
    >>> r = if_landed(example(), "nev", home="4101", uscc="C", segment_code="nev.pack", region_code="410122")
    >>> (r["before"]["local_enterprises"], r["before"]["local_share"]), (r["after"]["local_enterprises"], r["after"]["local_share"])
    ((1, 0.75), (2, 1.0))
    """
    region = region_code or home.ljust(6, "0")
    if not region.startswith(home):
        region = home.ljust(6, "0")  # landing outside the home area would change nothing here

    def row(s: Snapshot) -> dict[str, Any]:
        seg = next(x for x in chain_atlas(s, chain_id, home=home, period=period)["segments"] if x["code"] == segment_code)
        return {k: seg[k] for k in KEEP}

    before = row(snap)
    after = row(landed(snap, uscc, segment_code, region))
    return {"chain": chain_id, "segment": segment_code, "uscc": uscc, "region_code": region, "home": home,
            "before": before, "after": after, "changed": before["status"] != after["status"],
            "note": {"zh": "假设该企业在该区县落地、按当前数据重算，不写入数据库", "en": "what-if on the current data, nothing written"}}


def for_project(engine: Engine, project: dict[str, Any], *, home: str, rows_ok: bool) -> dict[str, Any]:
    """A project (:func:`chainatlas.attraction.projects.project`) with its "if landed" row (None without a registered
    target and a segment), the landing county named; without ``rows_ok`` the values that rest on single firms (input
    values, local share) are blanked, the statuses and counts kept."""
    from chainatlas.registry.queries import division_names

    if not (project["target_uscc"] and project["segment_code"]):
        return {**project, "if_landed": None}
    effect = if_landed(load_snapshot(engine), project["chain_id"], home=home, uscc=project["target_uscc"],
                       segment_code=project["segment_code"], region_code=project["landing_region"])
    effect["region_name"] = division_names(engine, [effect["region_code"]]).get(effect["region_code"])
    if not rows_ok:
        for side in ("before", "after"):
            for k in ("inputs_value_yuan", "inputs_local_value_yuan", "local_share"):
                effect[side][k] = None
        effect["suppression"] = NOTE
    return {**project, "if_landed": effect}
