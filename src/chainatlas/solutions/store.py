"""The solution catalogue and subscriptions in the database: providers, offers (with their providers' names and
case counts), reference cases, subscriptions, and the spending they record per year."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from chainatlas import db
from chainatlas.registry.queries import enterprise_names
from chainatlas.solutions import subscriptions

SPEND_SOURCE = "方案订阅记录（平台）"


def offers(engine: Engine) -> pl.DataFrame:
    """Every offer with its provider's registered name, qualifications and shared-O&M flag, and its count of
    reference cases."""
    with engine.connect() as conn:
        o = db.read_frame(conn, db.solution_offer)
        p = db.read_frame(conn, db.solution_provider).select(
            pl.col("uscc").alias("provider_uscc"), "qualifications", "shared_om")
        cases = db.read_frame(conn, db.solution_case).group_by("offer_id").agg(pl.len().cast(pl.Int64).alias("cases"))
    names = enterprise_names(engine, o["provider_uscc"].unique().to_list())
    return (o.join(p, on="provider_uscc", how="left").join(cases, on="offer_id", how="left")
            .with_columns(pl.col("cases").fill_null(0),
                          pl.col("provider_uscc").replace_strict(names, default="").alias("provider_name")))


def cases(engine: Engine, offer_id: str | None = None) -> pl.DataFrame:
    """Reference cases (标杆案例, customer-reported), of one offer when given, with the change after − before."""
    with engine.connect() as conn:
        c = db.read_frame(conn, db.solution_case, *([db.solution_case.c.offer_id == offer_id] if offer_id else []))
    return c.with_columns((pl.col("after") - pl.col("before")).alias("change"), pl.lit(True).alias("self_reported"))


def subscription_frame(engine: Engine, uscc: str | None = None) -> pl.DataFrame:
    """Subscriptions (of one subscriber when given) with their offer's name and scenario."""
    t = db.solution_subscription
    with engine.connect() as conn:
        s = db.read_frame(conn, t, *([t.c.customer_uscc == uscc] if uscc else []))
        o = db.read_frame(conn, db.solution_offer).select("offer_id", "name", "scenario", "provider_uscc")
    return s.join(o, on="offer_id", how="left")


def recorded_spend(engine: Engine, year: int, uscc: str | None = None) -> pl.DataFrame:
    """Per subscriber: lightweight, compute and model spending in ``year`` from the subscription records
    (:func:`chainatlas.solutions.subscriptions.spend_in_year`)."""
    return subscriptions.spend_in_year(subscription_frame(engine, uscc), year)
