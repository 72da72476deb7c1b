"""The one authorization dependency every route passes through.

For now it lets everyone in as an anonymous administrator; the access-control issue replaces the body
of :func:`authorize` (principals from session or token, roles, grants) without touching the routes.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request


@dataclass(frozen=True)
class Principal:
    name: str
    role: str


ANONYMOUS = Principal("anonymous", "admin")


def authorize(request: Request) -> Principal:
    principal = ANONYMOUS
    request.state.principal = principal
    return principal
