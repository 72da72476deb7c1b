"""UI strings (``web/i18n.py``): every key a :class:`~chainatlas.messages.Message` in both languages."""

from __future__ import annotations

import re

from chainatlas.messages import Message
from chainatlas.web.i18n import STRINGS, translator

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_ui_strings_are_messages_with_both_languages() -> None:
    assert STRINGS and all(isinstance(m, Message) and m.zh.strip() and m.en.strip() for m in STRINGS.values())
    assert all(CJK.search(m.zh) or m.zh == m.en for m in STRINGS.values())
    t_zh, t_en = translator("zh"), translator("en")
    assert (t_zh("month"), t_en("month")) == ("月份", "Month")
    assert t_zh("no-such-key") == "no-such-key"  # an unknown key shows itself rather than vanishing
