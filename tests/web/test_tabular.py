"""Table exports (``web/tabular.py``): every page table as CSV (UTF-8 with BOM, for Excel) and XLSX."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook


def test_tables_export_to_csv_and_xlsx(client: TestClient) -> None:
    csv_resp = client.get("/enterprises", params={"region": "4101", "format": "csv"})
    assert csv_resp.status_code == 200 and csv_resp.content.startswith(b"\xef\xbb\xbf")
    xlsx = client.get("/", params={"format": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws is not None and ws.max_row == 7  # header + six chains


@pytest.mark.parametrize("url", ["/?format=csv&table=by_district", "/?format=xlsx&table=tiers", "/chains?format=csv",
                                 "/chains?format=json", "/audit?format=csv", "/grants?format=xlsx", "/grants?format=json",
                                 "/chains/nev/targets?format=csv", "/enterprises?format=xlsx"])
def test_every_table_exports(client: TestClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 200 and len(resp.content) > 20, url
    if "format=csv" in url:
        assert resp.content.startswith(b"\xef\xbb\xbf")
