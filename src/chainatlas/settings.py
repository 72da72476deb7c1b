"""One settings object for the whole product (environment prefix ``CHAINATLAS_``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from chainatlas.messages import BilingualError, InvalidInput

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """Settings, read from the environment (``CHAINATLAS_DATABASE_URL`` …).

    >>> Settings(home_region="41").home_region
    '41'
    """

    model_config = SettingsConfigDict(env_prefix="CHAINATLAS_", extra="ignore")

    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Folder for the embedded database")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty = SQLite file data/chainatlas.sqlite; postgresql+psycopg://… = PostgreSQL",
    )
    home_region: str = Field(
        default="4101",
        pattern=r"^\d{2}(\d{2}(\d{2})?)?$",
        description="Division-code prefix that counts as local (本地): 4101 Zhengzhou, 41 Henan",
    )
    assets_dir: Path = Field(
        default=PROJECT_ROOT / "frontend" / "node_modules",
        description="npm-installed third-party assets (ECharts, htmx, the division-code package)",
    )
    district_map: Path = Field(
        default=Path(__file__).parent / "geodata" / "410100.geojson",
        description="GeoJSON of the home city's counties for the maps, one feature per county named as in the division "
        "codes (shipped: Zhengzhou, see src/chainatlas/geodata/SOURCES.md)",
    )
    epcis_schema: Path = Field(
        default=PROJECT_ROOT / "frontend" / "vendor" / "epcis" / "EPCIS-JSON-Schema.json",
        description="The EPCIS 2.0 JSON Schema captures are validated against (fetched from npm by `make install`)",
    )
    atlas_thresholds: Path | None = Field(
        default=None,
        description="A YAML file of the atlas status thresholds (强/较强/弱/缺) replacing the shipped one",
    )
    rules_dir: Path | None = Field(
        default=None,
        description="Extra folder of local rule sets (tiers/*.yaml, policies/*.yaml) read beside the shipped ones; "
        "a file with the same id replaces the shipped one",
    )
    default_language: str = Field(default="zh", pattern="^(zh|en)$", description="Language of the workbench: zh or en")
    secure_cookies: bool = Field(default=False, description="Mark session cookies Secure (set true behind HTTPS)")
    audit_head_dir: Path | None = Field(
        default=None,
        description="Folder of the audit head files (default: data_dir); best on another volume than the database",
    )
    audit_checkpoint_sink: str = Field(
        default="",
        description="Where audit checkpoints {instance, id, hash, time} and integrity alerts go, outside the database: "
        "a file path (JSON Lines, appended), syslog: (local /dev/log) or syslog://host:port, or an http(s):// webhook",
    )
    audit_checkpoint_every: int = Field(default=100, ge=1, description="Write a checkpoint every this many records")
    import_batch_rows: int = Field(default=200_000, ge=1000, description="Rows per batch when streaming imports")
    import_pass_lines: int = Field(default=4_000_000, ge=1000, description="Invoice lines per grouping pass of the "
                                   "import's fast path (Parquet): a larger file is grouped in several passes, each over "
                                   "its own sellers, which bounds the memory the grouping needs (a file of 1M lines or "
                                   "more takes at least 4 passes)")
    spark_master: str = Field(default="local[*]", description="Spark master of the batch jobs (`chainatlas batch … --engine "
                              "spark`): local[*], spark://host:7077, yarn, k8s://…")
    spark_shuffle_partitions: int = Field(default=8, ge=1, description="spark.sql.shuffle.partitions of the session the "
                                          "batch jobs create (on a cluster: about 2–3 × the executor cores)")
    spark_driver_memory: str = Field(default="2g", description="spark.driver.memory of the session the batch jobs create")

    frame_store: str = Field(default="", description="Folder where derived analysis frames are kept per data version "
                             "(docs/architecture.md, 'Frame store'); empty = data/frames, off = not kept")

    def resolved_frame_store(self) -> Path | None:
        """The frame store's folder, or None when it is switched off.

        >>> Settings(frame_store="off").resolved_frame_store() is None
        True
        """
        if self.frame_store.strip().lower() == "off":
            return None
        return Path(self.frame_store) if self.frame_store else self.data_dir / "frames"

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'chainatlas.sqlite'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()


def settings_markdown() -> str:
    """``docs/settings.md``: every setting, its variable, default and meaning — made from :class:`Settings` itself, so
    the document cannot forget one (a test compares them)."""
    lines = ["# Settings", "", "<!-- Generated from chainatlas/settings.py (settings_markdown) — do not edit by hand. -->", "",
             "Every setting is read once, from the environment (prefix `CHAINATLAS_`), into one `Settings` object "
             "(`chainatlas.settings.get_settings()`). The command line's `--db URL` sets the database for one command.", "",
             "| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = "" if field.default in (None, "") else str(field.default).replace(str(PROJECT_ROOT), "<project>")
        lines.append(f"| `CHAINATLAS_{name.upper()}` | `{default}` | {field.description} |" if default else
                     f"| `CHAINATLAS_{name.upper()}` | — | {field.description} |")
    return "\n".join(lines) + "\n"


class MissingSetup(BilingualError):
    """A file that ``make install`` brings (front-end assets, the EPCIS schema) is not there."""

    def __init__(self, what_zh: str, what_en: str, path: Path) -> None:
        super().__init__(f"缺少{what_zh}（{path}）：请运行 `make install`（或 `make run`）",
                         f"{what_en} missing at {path}: run `make install` (or `make run`)")
        self.path = path


def require_file(path: Path, what_zh: str, what_en: str) -> Path:
    """``path`` when it exists, else :class:`MissingSetup` naming what to run."""
    if not path.exists():
        raise MissingSetup(what_zh, what_en, path)
    return path


HOME_PATTERN = re.compile(r"^\d{2}(\d{2}(\d{2})?)?$")


def home_of(home: str | None = None) -> str:
    """The home area (本地范围) a figure is computed for: ``home`` when given, else ``CHAINATLAS_HOME_REGION`` — the
    one place that decides it. A division-code prefix of 2, 4 or 6 digits.

    >>> home_of("41"), home_of() == get_settings().home_region
    ('41', True)
    """
    if not home:
        return get_settings().home_region
    if not HOME_PATTERN.match(home):
        raise InvalidInput(f"本地范围须为 2、4 或 6 位行政区划代码前缀：{home}",
                           f"the home area must be a division-code prefix of 2, 4 or 6 digits: {home}")
    return home
