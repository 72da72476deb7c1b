"""The FastAPI application: API, pages, and locally served third-party assets (no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from chainatlas import __version__
from chainatlas.settings import get_settings
from chainatlas.web import api, api_analysis, pages, pages_analysis
from chainatlas.web.auth import authorize

VENDOR = {"echarts": "echarts/dist", "htmx": "htmx.org/dist"}


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="ChainAtlas API", version=__version__, docs_url="/docs", openapi_url="/openapi.json",
        description="产业链图谱平台接口 / ChainAtlas industrial-chain atlas API. All demo data are fictional (示例).",
        dependencies=[Depends(authorize)],
    )
    app.include_router(api.router)
    app.include_router(api_analysis.router)
    app.include_router(pages.router)
    app.include_router(pages_analysis.router)
    app.mount("/static/app", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for name, sub in VENDOR.items():
        folder = settings.assets_dir / sub
        if folder.exists():
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
    return app
