"""The ``chainatlas`` command line — a thin shell over the library, one module per command group."""

from __future__ import annotations

import importlib
import sys

from chainatlas.cli.common import app, console

# each module registers its commands on import; this order is the order of `chainatlas --help`
GROUPS = ("data", "batch", "serve", "analysis", "risk", "trade", "consolidate", "warehouse", "digital", "maintenance", "products", "rules", "attraction", "collab", "indicators", "network",
          "accounts")
for _group in GROUPS:
    importlib.import_module(f"chainatlas.cli.{_group}")

__all__ = ["app", "main"]


def main() -> None:
    """The ``chainatlas`` command."""
    from chainatlas.settings import MissingSetup

    try:
        app(prog_name="chainatlas")
    except MissingSetup as exc:  # a plain clone without `make install`: say what to run, no traceback
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        sys.exit(2)
