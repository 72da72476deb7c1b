"""chainatlas users and chainatlas audit: accounts, tokens and the audit log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import (
    _audit_ready,
    _cli_audit,
    _emit,
    _engine,
    app,
    console,
)

users_app = typer.Typer(help="User accounts and API tokens (用户与令牌)", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log (审计日志)", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")




@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[str, typer.Option(help="admin, analyst, department or enterprise")],
    enterprise: Annotated[str | None, typer.Option(help="USCC an enterprise account is bound to")] = None,
    department: Annotated[str | None, typer.Option(help="customs, port, transport, tax, market_supervision, industry, hrss or finance")] = None,
    token: Annotated[bool, typer.Option("--token", help="Also issue an API token (printed once)")] = False,
    password: Annotated[str | None, typer.Option(help="Password for web sign-in (prompted when omitted and no --token)")] = None,
) -> None:
    """Create a user (创建用户)."""
    _audit_ready()
    from chainatlas.governance.principals import add_user, issue_token

    if password is None and not token:
        password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    try:
        add_user(_engine(), name, role, password=password, enterprise=enterprise, department=department)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _cli_audit("users add", {"name": name, "role": role, "enterprise": enterprise, "department": department})
    console.print(f"已创建 / created {name} ({role})")
    if token:
        typer.echo(issue_token(_engine(), name))


@users_app.command("list")
def users_list() -> None:
    """List users (用户列表)."""
    from chainatlas.governance.principals import list_users

    _emit(list_users(_engine()), "table", "用户 / users")


@users_app.command("revoke")
def users_revoke(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Deactivate a user and revoke its tokens and sessions (吊销)."""
    _audit_ready()
    from chainatlas.governance.principals import revoke_user

    try:
        n = revoke_user(_engine(), name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _cli_audit("users revoke", {"name": name})
    console.print(f"已吊销 / revoked {name} ({n} tokens)")


@audit_app.command("verify")
def audit_verify(
    checkpoints: Annotated[Path | None, typer.Option(help="Checkpoints kept outside the database (JSON Lines from the "
                                                          "file sink, or syslog lines) to compare every record with")] = None,
) -> None:
    """Check the audit chain, its head and (given) the outside checkpoints; exit 1 and name the first broken record."""
    from chainatlas.governance.audit import verify

    v = verify(_engine(), checkpoints)
    if v.ok:
        extra = f", {v.checkpoints} checkpoints agree" if checkpoints else ""
        console.print(f"审计链完整 / audit chain intact: {v.records} records (instance {v.instance}){extra}")
        return
    console.print(f"[red]审计链异常 / audit chain broken at record {v.first_broken}: {v.reason_zh} / {v.reason}[/red]")
    raise typer.Exit(1)


@audit_app.command("reanchor")
def audit_reanchor(
    reason: Annotated[str, typer.Option(help="Why (e.g. 'restored the backup of 2026-11-30 after disk failure')")],
) -> None:
    """After a deliberate restore: accept the database's present tail, record the old head and the reason (重新锚定)."""
    import getpass

    from chainatlas.governance.audit import reanchor, verify

    engine = _engine()
    before = verify(engine)
    if not before.ok and before.reason.startswith(("record", "prev_hash")) and "differs from the head" not in before.reason:
        console.print(f"[red]链本身已损坏，不能重新锚定 / the chain itself is broken at record {before.first_broken}: "
                      f"{before.reason}[/red]")
        raise typer.Exit(1)
    rec = reanchor(engine, actor=f"cli:{getpass.getuser()}", reason=reason)
    console.print(f"已重新锚定 / re-anchored at record {rec} (was: {before.reason or 'intact'})")


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Write a checkpoint of the newest record to the configured sink now (CHAINATLAS_AUDIT_CHECKPOINT_SINK)."""
    from chainatlas.governance.audit import checkpoint

    c = checkpoint(_engine())
    console.print(json.dumps(c, ensure_ascii=False) if c else "审计日志为空 / the audit log is empty")


@audit_app.command("export")
def audit_export(
    start: Annotated[str | None, typer.Option("--from", help="From (ISO date/time, inclusive)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="To (ISO date/time, exclusive)")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="JSON Lines file")] = Path("audit.jsonl"),
) -> None:
    """Export audit records as JSON Lines (导出审计记录)."""
    _audit_ready()

    from chainatlas.governance.audit import iter_records

    n = 0
    with output.open("w", encoding="utf-8") as fh:
        for r in iter_records(_engine(), dt.datetime.fromisoformat(start) if start else None,
                              dt.datetime.fromisoformat(end) if end else None):
            fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            n += 1
    _cli_audit("audit export", {"from": start, "to": end, "rows": n}, dataset="audit")
    console.print(f"已导出 / exported {n} → {output}")
