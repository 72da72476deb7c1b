"""chainatlas products: 数据即服务 — the data products with their measured quality, its history, a new measurement,
and what a product would publish now (as its owner sees it). docs/products.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import _engine, _out, app, console
from chainatlas.messages import NotFound

products_app = typer.Typer(help="数据即服务 data products: catalogue, quality and its history, a measurement, rows",
                           no_args_is_help=True)
app.add_typer(products_app, name="products")
Fmt = Annotated[str, typer.Option("--format", help="table, json or xlsx")]
Output = Annotated[Path, typer.Option("-o", "--output", help="XLSX file (with --format xlsx)")]
Home = Annotated[str | None, typer.Option(help="home area (division-code prefix); default: the setting")]


def _fail(exc: NotFound) -> None:
    console.print(f"[red]{exc}[/red]")
    raise typer.Exit(2)


@products_app.command("list")
def list_command(fmt: Fmt = "table", output: Output = Path("products.xlsx")) -> None:
    """Every product with its owner, level, frequency and latest quality (measured first where an import is newer)."""
    from chainatlas.products import store
    from chainatlas.settings import home_of

    store.refresh(_engine(), home_of())
    rows = [{"id": p["id"], "name": p["name"]["zh"], "owner": p["owner"], "level": p["level"],
             **{k: (p["quality"] or {}).get(k) for k in ("rows", "validity", "freshness_days", "provenance", "suppressed_cells")}}
            for p in store.catalogue_view(_engine())]
    _out(rows, fmt, output, "数据产品 / data products", [("id", "产品 product"), ("name", "名称"), ("owner", "所有方"),
                                                        ("rows", "行数 rows"), ("validity", "有效率"), ("freshness_days", "距今天数"),
                                                        ("provenance", "注明来源")])


@products_app.command("quality")
def quality_command(product_id: Annotated[str, typer.Argument(help="the product")], measure: Annotated[
        bool, typer.Option("--measure", help="measure it now first")] = False, home: Home = None,
                    fmt: Fmt = "table", output: Output = Path("quality.xlsx")) -> None:
    """A product's quality history, newest first (completeness per field in JSON and XLSX)."""
    from chainatlas.products import store
    from chainatlas.settings import home_of

    try:
        if measure:
            store.measure(_engine(), product_id, home_of(home))
        rows = store.history(_engine(), product_id)
    except NotFound as exc:
        _fail(exc)
    _out(rows, fmt, output, f"数据质量 / quality · {product_id}",
         [("measured_at", "度量 measured"), ("import_job_id", "导入 import"), ("rows", "行数"), ("validity", "有效率"),
          ("freshness_days", "距今天数"), ("provenance", "注明来源"), ("suppressed_cells", "抑制格数")])


@products_app.command("rows")
def rows_command(product_id: Annotated[str, typer.Argument(help="the product")], home: Home = None,
                 fmt: Fmt = "table", output: Output = Path("product.xlsx")) -> None:
    """The rows a product publishes now, small cells suppressed as for its consumers."""
    from chainatlas.products import build
    from chainatlas.products.catalogue import product
    from chainatlas.settings import home_of

    try:
        p = product(product_id)
    except NotFound as exc:
        _fail(exc)
    frame = build.rows(_engine(), p, home_of(home))
    _out(frame.to_dicts(), fmt, output, p.name.zh, [(f, f) for f in p.fields[:7]])
