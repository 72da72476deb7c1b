"""Refusals of the API and the pages, always in both languages (:class:`chainatlas.messages.Message`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import HTTPException

from chainatlas.messages import InvalidInput, Message, NotFound, Refused

T = TypeVar("T")


def refused(status: int, zh: str, en: str) -> HTTPException:
    """An HTTP refusal whose detail is "中文 / English".

    >>> e = refused(404, "未找到产业链", "chain x not found")
    >>> e.status_code, e.detail
    (404, '未找到产业链 / chain x not found')
    """
    return HTTPException(status, str(Message(zh, en)))


def refusal(exc: InvalidInput | NotFound | Refused) -> HTTPException:
    """A domain refusal as its HTTP answer: 404 for what does not exist, 422 for what cannot be done, a refused
    workflow step with its own status (409 not now, 403 not by you).

    >>> refusal(NotFound("没有指标 x", "no indicator x")).status_code, refusal(Refused("须由主管部门操作", "bureau only", 403)).status_code
    (404, 403)
    """
    if isinstance(exc, Refused):
        return refused(exc.status, exc.zh, exc.en)
    return refused(404 if isinstance(exc, NotFound) else 422, exc.zh, exc.en)


def answered(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``, with the domain's refusals (InvalidInput, NotFound, Refused) as their HTTP answers."""
    try:
        return fn(*args, **kwargs)
    except (InvalidInput, NotFound, Refused) as exc:
        raise refusal(exc) from None
