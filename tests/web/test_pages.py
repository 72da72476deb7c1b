"""Pages (``web/pages.py``): rendered in Chinese by default and in English on request; assets served locally."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_pages_render_in_both_languages(client: TestClient) -> None:
    zh = client.get("/")
    assert "产业链" in zh.text and 'lang="zh-CN"' in zh.text
    en = client.get("/?lang=en")
    assert "Enterprises by chain" in en.text and en.cookies.get("lang") == "en"
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200
