
"""Apply the schema migrations (Alembic) to a database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from chainatlas.messages import BilingualError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """The Alembic configuration of the package's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring ``engine``'s schema to ``revision`` (default: the newest)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The migration ``engine``'s schema is at (None: never initialised)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest migration this version of the product ships."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


class NotInitialised(BilingualError):
    """The database has no schema yet, or an older one than this version of the product needs."""

    def __init__(self, current: str | None) -> None:
        if current is None:
            super().__init__("数据库尚未初始化：请先运行 `chainatlas init`",
                             "the database is not initialised: run `chainatlas init` first")
        else:
            super().__init__(f"数据库结构版本 {current} 较旧：请运行 `chainatlas init` 升级",
                             f"the database schema ({current}) is older than this version needs: run `chainatlas init` "
                             "to migrate it")
        self.current = current


def require_initialised(engine: Engine) -> None:
    """Raise :class:`NotInitialised` (a bilingual message) unless ``engine``'s schema is at the newest migration."""
    current = current_revision(engine)
    if current is None or current != head_revision():
        raise NotInitialised(current)
