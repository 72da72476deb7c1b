"""The FastAPI application: API, pages, and locally served third-party assets (no CDN)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from chainatlas import __version__, db
from chainatlas.settings import MissingSetup, get_settings
from chainatlas.web import (
    account,
    api,
    api_analysis,
    api_attraction,
    api_collab,
    api_consolidation,
    api_digital,
    api_epcis,
    api_indicators,
    api_maintenance,
    api_network,
    api_products,
    api_risk,
    api_rules,
    api_trade,
    api_warehouses,
    pages,
    pages_analysis,
    pages_attraction,
    pages_collab,
    pages_consolidation,
    pages_digital,
    pages_indicators,
    pages_maintenance,
    pages_network,
    pages_products,
    pages_risk,
    pages_rules,
    pages_trade,
    pages_warehouses,
)
from chainatlas.web.auth import UNINITIALISED_HEADER, AuditMiddleware, authorize

VENDOR = {"echarts": "echarts/dist", "htmx": "htmx.org/dist", "swagger-ui": "swagger-ui-dist", "three": "three",
          # boundaries for the maps (sources, licences and limits: src/chainatlas/geodata/SOURCES.md)
          "maps-china": "china-geojson/src/geojson", "maps-world": "@surbowl/world-geo-json-zh"}


def api_routes(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route of an application, through included routers (the authorization matrix walks these)."""
    for r in routes:
        if isinstance(r, APIRoute):
            yield r
        elif hasattr(r, "original_router"):
            yield from api_routes(r.original_router.routes)


def create_app() -> FastAPI:
    settings = get_settings()
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from chainatlas.trade.subscriptions import Scheduler

        scheduler = Scheduler(db.get_engine)  # scheduled EPCIS query subscriptions, checked once a minute
        scheduler.start()
        yield
        scheduler.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="ChainAtlas API", version=__version__, docs_url=None, redoc_url=None, openapi_url="/openapi.json",
        description="产业链图谱平台接口 / ChainAtlas industrial-chain atlas API. All demo data are fictional (示例).",
        dependencies=[Depends(authorize)],
        openapi_tags=[{"name": "EPCIS 2.0", "description": api_epcis.__doc__ or ""}],
    )
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # a signed-out visitor of a page is sent to the sign-in page; the API answers with JSON
        wants_html = "text/html" in request.headers.get("accept", "") and not request.url.path.startswith("/api/")
        if exc.status_code == 401 and wants_html and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(str(request.url.path))}", status_code=303)
        if wants_html:
            from chainatlas.web.pages import render

            page = render(request, "error.html", {"status": exc.status_code, "detail": str(exc.detail)}, fmt="html")
            page.status_code = exc.status_code
            return page
        return await http_exception_handler(request, exc)

    @app.exception_handler(MissingSetup)
    async def _missing_setup(request: Request, exc: MissingSetup) -> Response:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError) -> Response:
        # a missing table means the database was never initialised (or is older than the code): say so
        from chainatlas.migrate import NotInitialised, require_initialised

        try:
            require_initialised(db.get_engine())
        except NotInitialised as missing:
            return JSONResponse({"detail": str(missing)}, status_code=503, headers={UNINITIALISED_HEADER: "1"})
        raise exc

    @app.get("/docs", include_in_schema=False)
    async def _api_docs() -> Response:
        # Swagger UI from the npm package served under /static (FastAPI's default page loads it from a CDN)
        return get_swagger_ui_html(openapi_url="/openapi.json", title="ChainAtlas API 接口文档",
                                   swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
                                   swagger_ui_parameters={"docExpansion": "none", "defaultModelsExpandDepth": -1})

    app.include_router(account.router)
    app.include_router(api.router)
    app.include_router(api_analysis.router)
    app.include_router(api_risk.router)
    app.include_router(api_epcis.router)
    app.include_router(api_trade.router)
    app.include_router(api_rules.router)
    app.include_router(api_attraction.router)
    app.include_router(api_collab.router)
    app.include_router(api_indicators.router)
    app.include_router(api_network.router)
    app.include_router(api_consolidation.router)
    app.include_router(api_warehouses.router)
    app.include_router(api_digital.router)
    app.include_router(api_maintenance.router)
    app.include_router(api_products.router)
    app.include_router(pages.router)
    app.include_router(pages_analysis.router)
    app.include_router(pages_risk.router)
    app.include_router(pages_trade.router)
    app.include_router(pages_rules.router)
    app.include_router(pages_attraction.router)
    app.include_router(pages_collab.router)
    app.include_router(pages_indicators.router)
    app.include_router(pages_network.router)
    app.include_router(pages_consolidation.router)
    app.include_router(pages_warehouses.router)
    app.include_router(pages_digital.router)
    app.include_router(pages_maintenance.router)
    app.include_router(pages_products.router)
    app.add_middleware(AuditMiddleware)
    app.mount("/static/app", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for name, sub in VENDOR.items():
        folder = settings.assets_dir / sub
        if folder.exists():
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
    return app
