"""chainatlas serve: the web workbench and the API."""

from __future__ import annotations

from typing import Annotated

import typer

from chainatlas import db
from chainatlas.cli.common import (
    _engine,
    _state,
    app,
    console,
)
from chainatlas.settings import get_settings


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Serve the web workbench and the API (Web 工作台与接口)."""
    import uvicorn

    from chainatlas.web.app import create_app

    _engine()  # an uninitialised database is refused here with the one clear message, not on every page
    from chainatlas.settings import MissingSetup, require_file
    from chainatlas.web.app import VENDOR

    try:  # a plain clone without `make install` would serve pages without their scripts
        for sub in VENDOR.values():
            require_file(get_settings().assets_dir / sub, "前端资源", "front-end assets")
        require_file(get_settings().epcis_schema, " EPCIS 2.0 JSON Schema", "the EPCIS 2.0 JSON Schema")
    except MissingSetup as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    if _state["db"]:
        db.use(_state["db"])  # the app's database for this process, passed explicitly rather than through the environment
    typer.echo(f"ChainAtlas: http://{host}:{port}/  (API docs /docs)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
