"""One settings object for the whole product (environment prefix ``CHAINATLAS_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    epcis_schema: Path = Field(
        default=PROJECT_ROOT / "frontend" / "vendor" / "epcis" / "EPCIS-JSON-Schema.json",
        description="The EPCIS 2.0 JSON Schema captures are validated against (fetched from npm by `make install`)",
    )
    rules_dir: Path | None = Field(
        default=None,
        description="Extra folder of local rule sets (tiers/*.yaml, policies/*.yaml) read beside the shipped ones; "
        "a file with the same id replaces the shipped one",
    )
    default_language: str = Field(default="zh", pattern="^(zh|en)$")
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

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'chainatlas.sqlite'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
