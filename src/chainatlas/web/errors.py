"""Refusals of the API and the pages, always in both languages (:class:`chainatlas.messages.Message`)."""

from __future__ import annotations

from fastapi import HTTPException

from chainatlas.messages import Message


def refused(status: int, zh: str, en: str) -> HTTPException:
    """An HTTP refusal whose detail is "中文 / English".

    >>> e = refused(404, "未找到产业链", "chain x not found")
    >>> e.status_code, e.detail
    (404, '未找到产业链 / chain x not found')
    """
    return HTTPException(status, str(Message(zh, en)))
