"""Readers for the exchange formats: CSV (UTF-8 with/without BOM, GB18030), XLSX, JSON Lines, Parquet.

Every reader streams: it yields batches of rows as Polars frames, with a ``__line`` column giving each
row's line (CSV/JSONL) or row number (XLSX) in the file, so memory stays bounded however large the file.
CSV, XLSX and JSONL cells arrive as strings; Parquet keeps its types (the validator accepts both). A CSV cell
written with the formula-injection escape (``'=…``, see :mod:`chainatlas.exchange.cells`) is read without it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from chainatlas.exchange.cells import unescape_frame
from chainatlas.exchange.problems import Problem

LINE = "__line"
NOTES_MARK = "※"  # the template's notes row starts with this mark and is skipped
CODE_SHEET = "代码表"  # the template's sheet of code lists for drop-downs; not data
CHUNK = 1 << 20


class ReadError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _file_problem(path: Path, zh: str, en: str, sheet: str = "", row: int = 0) -> ReadError:
    return ReadError(Problem(path.name, sheet, row, "", "", zh, en))


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030`` for a text file, checking every byte.

    A declared encoding that the bytes contradict is an error (a GB18030 file declared UTF-8 fails to
    decode; a UTF-8 file declared GB18030 would decode into mojibake, so it is refused too).
    """
    declared = declared.lower().replace("_", "-")
    with path.open("rb") as fh:
        head = fh.read(3)
    if head == codecs.BOM_UTF8:
        if declared in ("gb18030", "gbk"):
            raise _file_problem(path, "文件带 UTF-8 BOM，却按 GB18030 读取", "file has a UTF-8 BOM but GB18030 was declared")
        return "utf-8-sig"
    utf8_error = _first_decode_error(path, "utf-8")
    if utf8_error is None:
        if declared in ("gb18030", "gbk") and not _is_ascii(path):
            raise _file_problem(
                path,
                "文件是 UTF-8 编码，按 GB18030 读取会产生乱码；请改用 --encoding utf-8 或 auto",
                "file is UTF-8; reading it as GB18030 would garble it — use --encoding utf-8 or auto",
            )
        return "utf-8"
    if declared in ("utf-8", "utf8"):
        raise _file_problem(
            path,
            f"文件不是 UTF-8 编码（第 {utf8_error} 字节起无法解码），可能是 GB18030（中文 Excel 默认）；请用 --encoding gb18030 或 auto",
            f"file is not UTF-8 (undecodable from byte {utf8_error}); probably GB18030 (Chinese Excel) — "
            "use --encoding gb18030 or auto",
        )
    gb_error = _first_decode_error(path, "gb18030")
    if gb_error is not None:
        raise _file_problem(
            path,
            f"无法识别文件编码（既不是 UTF-8 也不是 GB18030，第 {gb_error} 字节起）",
            f"unknown encoding: neither UTF-8 nor GB18030 (from byte {gb_error})",
        )
    return "gb18030"


def _first_decode_error(path: Path, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start + 1
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def _is_ascii(path: Path) -> bool:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if not chunk.isascii():
                return False
    return True


@dataclass
class Sheet:
    """One table-shaped part of a file: a CSV/JSONL/Parquet file, or one XLSX worksheet."""

    path: Path
    name: str  # worksheet name, "" for single-table formats
    headers: list[str]
    fmt: str
    encoding: str = "utf-8"
    width: int = 0  # cells in the raw header row (CSV), trailing empty ones included
    _tmp: list[Path] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.path.name + (f"[{self.name}]" if self.name else "")

    def batches(self, rows: int) -> Iterator[pl.DataFrame]:
        if self.fmt == "csv":
            yield from _csv_batches(self, rows)
        elif self.fmt == "xlsx":
            yield from _xlsx_batches(self, rows)
        elif self.fmt == "jsonl":
            yield from _jsonl_batches(self, rows)
        else:
            yield from _parquet_batches(self, rows)

    def cleanup(self) -> None:
        for p in self._tmp:
            p.unlink(missing_ok=True)


FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".parquet": "parquet", ".pq": "parquet"}


def open_file(path: Path, encoding: str = "auto") -> list[Sheet]:
    """The sheets of ``path``; raises :class:`ReadError` for an unreadable, empty or unknown file."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise _file_problem(path, f"不支持的文件格式 {path.suffix}（支持 CSV、XLSX、JSONL、Parquet）",
                            f"unsupported format {path.suffix} (CSV, XLSX, JSONL, Parquet)")
    if not path.exists():
        raise _file_problem(path, "文件不存在", "file not found")
    if path.stat().st_size == 0:
        raise _file_problem(path, "文件为空", "file is empty")
    if fmt == "csv":
        return [_open_csv(path, encoding)]
    if fmt == "xlsx":
        return _open_xlsx(path)
    if fmt == "jsonl":
        return [_open_jsonl(path)]
    return [_open_parquet(path)]


def _check_headers(path: Path, headers: list[str], sheet: str = "", row: int = 1) -> None:
    if not any(headers):
        raise _file_problem(path, "文件为空或没有表头", "file is empty or has no header row", sheet, row)
    for i, h in enumerate(headers):
        if not h:
            col = _excel_column(i)
            raise _file_problem(
                path,
                f"第 {col} 列表头为空（可能是合并单元格或缺失表头）",
                f"header cell of column {col} is empty (merged or missing header cell)",
                sheet, row,
            )
    seen: set[str] = set()
    for h in headers:
        if h in seen:
            raise _file_problem(path, f"表头「{h}」重复", f"duplicate header '{h}'", sheet, row)
        seen.add(h)


def _excel_column(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _open_csv(path: Path, encoding: str) -> Sheet:
    enc = detect_encoding(path, encoding)
    sheet = Sheet(path, "", [], "csv", enc)
    source = path
    if enc == "gb18030":
        # Polars reads UTF-8 only: transcode once, streaming, into a temporary file.
        tmp = Path(tempfile.mkstemp(suffix=".csv", prefix="chainatlas-")[1])
        with path.open("r", encoding="gb18030", newline="") as src, tmp.open("w", encoding="utf-8", newline="") as dst:
            while block := src.read(CHUNK):
                dst.write(block)
        sheet._tmp.append(tmp)
        source = tmp
    with source.open("r", encoding="utf-8-sig", newline="") as fh:
        import csv

        first = next(csv.reader(fh), [])
    headers = [h.strip() for h in first]
    sheet.width = len(headers)
    while headers and not headers[-1]:
        headers.pop()
    _check_headers(path, headers)
    sheet.headers = headers
    return sheet


def _csv_source(sheet: Sheet) -> Path:
    return sheet._tmp[0] if sheet._tmp else sheet.path


def _csv_batches(sheet: Sheet, rows: int) -> Iterator[pl.DataFrame]:
    """Stream a CSV with Arrow's incremental reader (memory stays near one block, unlike reading the
    whole file); every cell as text. The header was read already, so it is skipped here (BOM included)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    src = _csv_source(sheet)
    ncols = len(sheet.headers)
    names = [f"c{i}" for i in range(max(sheet.width, ncols))]
    try:
        reader = pacsv.open_csv(
            src,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=4 << 20, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False),
            memory_pool=pa.system_memory_pool(),
        )
        line = 2
        pending: list[pl.DataFrame] = []
        size = 0
        for batch in reader:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            frame = unescape_frame(frame.select(names[:ncols]).rename(dict(zip(names[:ncols], sheet.headers, strict=True))),
                                   sheet.headers)
            pending.append(frame)
            size += frame.height
            while size >= rows:
                whole = pl.concat(pending)
                out, rest = whole.head(rows), whole.slice(rows)
                yield out.with_columns(pl.int_range(line, line + out.height, dtype=pl.Int64).alias(LINE))
                line += out.height
                pending, size = ([rest] if rest.height else []), rest.height
        if size:
            whole = pl.concat(pending)
            yield whole.with_columns(pl.int_range(line, line + whole.height, dtype=pl.Int64).alias(LINE))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _file_problem(sheet.path, f"CSV 无法解析：{exc}", f"CSV could not be parsed: {exc}") from exc


def _cell(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, bool):
        return "true" if v else "false"
    s = str(v).strip()
    return s or None


def _open_xlsx(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _file_problem(path, f"XLSX 文件无法打开：{exc}", f"XLSX could not be opened: {exc}") from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            if ws.title == CODE_SHEET:
                continue
            header_row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None)
            if header_row is None:
                continue
            headers = [_cell(v) or "" for v in header_row]
            while headers and not headers[-1]:
                headers.pop()
            if not headers:
                continue
            _check_headers(path, headers, ws.title)
            sheets.append(Sheet(path, ws.title, headers, "xlsx"))
    finally:
        wb.close()
    if not sheets:
        raise _file_problem(path, "文件为空（没有含表头的工作表）", "file is empty (no worksheet with a header row)")
    return sheets


def _xlsx_batches(sheet: Sheet, rows: int) -> Iterator[pl.DataFrame]:
    from openpyxl import load_workbook

    wb = load_workbook(sheet.path, read_only=True, data_only=True)
    try:
        ws = wb[sheet.name]
        n = len(sheet.headers)

        def records() -> Iterator[tuple[int, list[str | None]]]:
            for i, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
                values = [_cell(v) for v in row[:n]] + [None] * max(0, n - len(row))
                first = next((v for v in values if v is not None), None)
                if first is not None and not first.startswith(NOTES_MARK):
                    yield i, values

        yield from _batched(sheet.headers, records(), rows)
    finally:
        wb.close()


def _batched(headers: list[str], records: Iterator[tuple[int, list[str | None]]], rows: int) -> Iterator[pl.DataFrame]:
    """Frames of at most ``rows`` records, each record a (line number, cells) pair."""
    n = len(headers)
    cols: list[list[str | None]] = [[] for _ in range(n)]
    lines: list[int] = []
    for line, values in records:
        for j in range(n):
            cols[j].append(values[j])
        lines.append(line)
        if len(lines) >= rows:
            yield _frame(headers, cols, lines)
            cols, lines = [[] for _ in range(n)], []
    if lines:
        yield _frame(headers, cols, lines)


def _frame(headers: list[str], cols: list[list[str | None]], lines: list[int]) -> pl.DataFrame:
    data: dict[str, object] = {LINE: pl.Series(LINE, lines, dtype=pl.Int64)}
    for h, c in zip(headers, cols, strict=True):
        data[h] = pl.Series(h, c, dtype=pl.String)
    return pl.DataFrame(data)


def _json_objects(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(line number, object) for every non-blank line; a line that is not a JSON object is an error."""
    with path.open(encoding=encoding) as fh:
        for i, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise _file_problem(path, f"JSON 行无法解析：{exc.msg}", f"invalid JSON line: {exc.msg}", row=i) from exc
            if not isinstance(obj, dict):
                raise _file_problem(path, "每行应为一个 JSON 对象", "each line must be a JSON object", row=i)
            yield i, obj


def _open_jsonl(path: Path) -> Sheet:
    enc = detect_encoding(path, "auto")
    headers: list[str] = []
    for i, obj in _json_objects(path, enc):
        headers += [k for k in obj if k not in headers]
        if i >= 1000:
            break
    if not headers:
        raise _file_problem(path, "文件为空", "file is empty")
    return Sheet(path, "", headers, "jsonl", enc)


def _jsonl_batches(sheet: Sheet, rows: int) -> Iterator[pl.DataFrame]:
    index = set(sheet.headers)

    def records() -> Iterator[tuple[int, list[str | None]]]:
        for i, obj in _json_objects(sheet.path, sheet.encoding):
            unknown = [k for k in obj if k not in index]
            if unknown:
                raise _file_problem(sheet.path, f"出现表头之外的字段 {unknown}", f"fields not seen in the first lines: {unknown}", row=i)
            yield i, [None if (v := obj.get(h)) is None else (json.dumps(v) if isinstance(v, (list, dict)) else _cell(v))
                      for h in sheet.headers]

    yield from _batched(sheet.headers, records(), rows)


def _open_parquet(path: Path) -> Sheet:
    try:
        schema = pl.read_parquet_schema(path)
    except Exception as exc:
        raise _file_problem(path, f"Parquet 文件无法读取：{exc}", f"Parquet could not be read: {exc}") from exc
    headers = list(schema)
    _check_headers(path, headers)
    return Sheet(path, "", headers, "parquet")


def _parquet_batches(sheet: Sheet, rows: int) -> Iterator[pl.DataFrame]:
    lf = pl.scan_parquet(sheet.path).with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))
    yield from lf.collect_batches(chunk_size=rows)
