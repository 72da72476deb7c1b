"""Principals (users and machine accounts), passwords (argon2id), API tokens and web sessions.

Tokens and session ids are random (``secrets``), shown once, and stored only as SHA-256 hashes. After
``MAX_FAILURES`` wrong passwords in a row an account is locked for ``LOCK_MINUTES`` (等保 2.0 identification:
login-failure handling).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from sqlalchemy import Engine, select, update

from chainatlas import db, vocabulary
from chainatlas.clock import utcnow
from chainatlas.messages import BilingualError

MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 8
TOKEN_DAYS = 90
_hasher = PasswordHasher()


class Role(StrEnum):
    admin = "admin"
    analyst = "analyst"
    department = "department"
    enterprise = "enterprise"
    public = "public"  # no login


DEPARTMENTS = tuple(vocabulary.DEPARTMENTS)  # customs, port, transport, tax, market_supervision, industry, hrss, finance


@dataclass(frozen=True)
class Principal:
    id: int | None
    name: str
    role: Role
    enterprise_uscc: str | None = None
    department: str | None = None


PUBLIC = Principal(None, "public", Role.public)




def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _principal(row: object) -> Principal:
    m = row._mapping  # type: ignore[attr-defined]
    return Principal(m["id"], m["name"], Role(m["role"]), m["enterprise_uscc"], m["department"])


def add_user(engine: Engine, name: str, role: str, *, password: str | None = None, enterprise: str | None = None,
             department: str | None = None) -> Principal:
    """Create a principal. An enterprise account is bound to one USCC; a department account to one department."""
    r = Role(role)
    if r == Role.public:
        raise ValueError("public is the role of requests without login; it has no accounts")
    if r == Role.enterprise and not enterprise:
        raise ValueError("an enterprise account needs --enterprise USCC")
    if r == Role.department and department not in DEPARTMENTS:
        raise ValueError(f"a department account needs --department, one of {', '.join(DEPARTMENTS)}")
    with engine.begin() as conn:
        if enterprise and conn.execute(select(db.enterprise.c.uscc).where(db.enterprise.c.uscc == enterprise)).first() is None:
            raise ValueError(f"unknown enterprise {enterprise}")
        res = conn.execute(db.principal.insert().values(
            name=name, role=r.value, enterprise_uscc=enterprise, department=department,
            password_hash=_hasher.hash(password) if password else None, failed_logins=0, active=True, created_at=utcnow()))
        pk = res.inserted_primary_key
    return Principal(int(pk[0]) if pk else None, name, r, enterprise, department)


def list_users(engine: Engine) -> list[dict[str, object]]:
    """Every principal with its role, binding and state (no secrets)."""
    p = db.principal
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(p.c.id, p.c.name, p.c.role, p.c.enterprise_uscc, p.c.department,
                                                       p.c.active, p.c.locked_until, p.c.created_at).order_by(p.c.id)).mappings()]


def revoke_user(engine: Engine, name: str) -> int:
    """Deactivate an account and revoke its tokens and sessions. Returns the number of tokens revoked."""
    with engine.begin() as conn:
        row = conn.execute(select(db.principal.c.id).where(db.principal.c.name == name)).first()
        if row is None:
            raise ValueError(f"unknown user {name}")
        conn.execute(update(db.principal).where(db.principal.c.id == row.id).values(active=False))
        conn.execute(db.web_session.delete().where(db.web_session.c.principal_id == row.id))
        res = conn.execute(update(db.api_token).where(db.api_token.c.principal_id == row.id, db.api_token.c.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
        return int(res.rowcount or 0)


def issue_token(engine: Engine, name: str, *, days: int = TOKEN_DAYS, label: str | None = None) -> str:
    """A new API token for ``name`` — returned once, stored hashed."""
    token = "ca_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        row = conn.execute(select(db.principal.c.id).where(db.principal.c.name == name, db.principal.c.active.is_(True))).first()
        if row is None:
            raise ValueError(f"unknown or revoked user {name}")
        conn.execute(db.api_token.insert().values(principal_id=row.id, token_hash=_sha(token), label=label, created_at=utcnow(),
                                                  expires_at=utcnow() + dt.timedelta(days=days)))
    return token


def principal_for_token(engine: Engine, token: str) -> Principal | None:
    """The principal of a valid, unexpired, unrevoked API token; None otherwise."""
    t, p = db.api_token, db.principal
    with engine.connect() as conn:
        row = conn.execute(select(p).join(t, t.c.principal_id == p.c.id).where(
            t.c.token_hash == _sha(token), t.c.revoked_at.is_(None), t.c.expires_at > utcnow(), p.c.active.is_(True))).first()
    return _principal(row) if row else None


class LoginError(BilingualError):
    """A refused sign-in (wrong name or password, locked account)."""


def login(engine: Engine, name: str, password: str) -> tuple[Principal, str, str]:
    """Check a password; returns the principal, a new session id (for the cookie) and its CSRF token.

    A failure is counted (and the account locked after ``MAX_FAILURES``) in a committed transaction before the
    error is raised, so the count survives the failed request.
    """
    p = db.principal
    failure: LoginError | None = None
    with engine.begin() as conn:
        row = conn.execute(select(p).where(p.c.name == name)).first()
        now = utcnow()
        if row is None or not row.active or not row.password_hash:
            _hasher.hash(password)  # same work whether or not the account exists
            failure = LoginError("用户名或密码错误", "wrong user name or password")
        elif row.locked_until and row.locked_until > now:
            failure = LoginError("账户已锁定，请稍后再试", "account locked; try again later")
        else:
            try:
                _hasher.verify(row.password_hash, password)
            except VerifyMismatchError:
                failures = row.failed_logins + 1
                locked = now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
                conn.execute(update(p).where(p.c.id == row.id).values(failed_logins=0 if locked else failures, locked_until=locked))
                failure = LoginError("用户名或密码错误", "wrong user name or password")
        if failure is None:
            assert row is not None
            conn.execute(update(p).where(p.c.id == row.id).values(failed_logins=0, locked_until=None))
            sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
            conn.execute(db.web_session.insert().values(id_hash=_sha(sid), principal_id=row.id, csrf_token=csrf,
                                                        created_at=now, expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
    if failure is not None or row is None:
        raise failure or LoginError("用户名或密码错误", "wrong user name or password")
    return _principal(row), sid, csrf


def principal_for_session(engine: Engine, sid: str) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session; None otherwise."""
    s, p = db.web_session, db.principal
    with engine.connect() as conn:
        row = conn.execute(select(p, s.c.csrf_token).join(s, s.c.principal_id == p.c.id).where(
            s.c.id_hash == _sha(sid), s.c.expires_at > utcnow(), p.c.active.is_(True))).first()
    return (_principal(row), row.csrf_token) if row else None


def logout(engine: Engine, sid: str) -> None:
    """End a session."""
    with engine.begin() as conn:
        conn.execute(db.web_session.delete().where(db.web_session.c.id_hash == _sha(sid)))


def ensure_admin(engine: Engine) -> str | None:
    """On first run, create the local administrator ``admin`` and return its password (printed once)."""
    with engine.connect() as conn:
        if conn.execute(select(db.principal.c.id).where(db.principal.c.role == "admin")).first() is not None:
            return None
    password = secrets.token_urlsafe(12)
    add_user(engine, "admin", "admin", password=password)
    return password
