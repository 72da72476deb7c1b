"""One bilingual message type (中文 / English): every error a user sees carries both languages, from one place.

A shell shows ``str(error)`` ("中文 / English"), or picks one language with :meth:`Message.text`; an API answers with
:meth:`Message.as_dict`.

>>> m = Message("没有政策 x", "no policy x")
>>> str(m), m.text("en"), m.as_dict()
('没有政策 x / no policy x', 'no policy x', {'zh': '没有政策 x', 'en': 'no policy x'})
>>> err = BilingualError("数据库尚未初始化", "the database is not initialised")
>>> str(err), err.message.text("zh")
('数据库尚未初始化 / the database is not initialised', '数据库尚未初始化')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"

    def text(self, language: str) -> str:
        """The message in ``language`` (``zh`` or ``en``)."""
        return self.en if language == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


class BilingualError(Exception):
    """The base of the product's errors: a :class:`Message` (``zh``, ``en``), shown as "中文 / English"."""

    def __init__(self, zh: str, en: str) -> None:
        self.message = Message(zh, en)
        super().__init__(str(self.message))

    @property
    def zh(self) -> str:
        return self.message.zh

    @property
    def en(self) -> str:
        return self.message.en


class InvalidInput(BilingualError, ValueError):
    """Input the product cannot use (a form, a file, a parameter): the API answers 400/422, the CLI names it."""


class NotFound(BilingualError, LookupError):
    """No such thing (the API answers 404, the CLI names it)."""


class Refused(BilingualError, ValueError):
    """A workflow step refused: not allowed now (``status`` 409, the default) or not to this actor (403). The policy
    ledger's confirmations and the open calls' steps raise it; the API answers with its status."""

    def __init__(self, zh: str, en: str, status: int = 409) -> None:
        super().__init__(zh, en)
        self.status = status
