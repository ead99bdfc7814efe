"""Writing the kwartaalrapportage as an XLSX workbook or as CSV files that Dutch Excel opens as
they are. Both read a sheet's rows a chunk at a time (a long table comes from its RowSpool) and
write to a file, so a quarter of any size takes no more memory than a chunk of it."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bot.services.export import Sheet

if TYPE_CHECKING:  # openpyxl (with numpy) is imported when a workbook is written, not at start
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

DATE_FORMAT = "dd-mm-yyyy"
PERCENT_FORMAT = "0%"
MAX_WIDTH = 60  # characters; longer text wraps


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return 6
    return len(str(value))


def _widths(sheet: Sheet) -> list[int]:
    """Per column the widest of its header and its cells. Each distinct value is measured once
    (a column of a long table holds few: dates, names, ja/nee); a float always measures 6, also
    when a set has kept an equal int in its place."""
    widths = [len(name) for name in sheet.header]
    for chunk in sheet.chunks():
        for index, column in enumerate(zip(*chunk, strict=True)):
            widest = max(map(_width, set(column)))
            kinds = set(map(type, column))
            if float in kinds:
                widest = max(widest, 6)
            if bool in kinds:
                widest = max(widest, *(_width(v) for v in column if isinstance(v, bool)))
            widths[index] = max(widths[index], widest)
    return widths


def write_xlsx(sheets: Sequence[Sheet], out: str | Path | IO[bytes]) -> None:
    """One worksheet per table: a bold, frozen header row, dates as dates, shares as percentages,
    columns as wide as their content (long explanations wrap). Written row by row in openpyxl's
    write-only mode (its rows go to temporary files, not into memory), a chunk at a time."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(book.create_sheet(sheet.name[:31]), sheet)
    book.save(out)


def _write_sheet(ws: Any, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    widths = _widths(sheet)
    for index, widest in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(widest + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, name, font=bold) for name in sheet.header])
    percent = [name in sheet.percent for name in sheet.header]
    wrapped = [widest > MAX_WIDTH for widest in widths]
    # a plain column's cell needs a style of its own only for a date; other values go as they are
    plain = [not (p or w) for p, w in zip(percent, wrapped, strict=True)]

    def cell(i: int, value: object) -> object:
        if plain[i] and not isinstance(value, date):
            return value
        return _cell(
            ws,
            value,
            number_format=DATE_FORMAT
            if isinstance(value, date)
            else PERCENT_FORMAT
            if percent[i] and isinstance(value, int | float)
            else None,
            alignment=wrap if wrapped[i] else None,
        )

    if all(plain):  # the dossier list: the quick way, where only a date needs a cell of its own
        for chunk in sheet.chunks():
            for row in chunk:
                ws.append([_date_cell(ws, value) if isinstance(value, date) else value for value in row])
        return
    for chunk in sheet.chunks():
        for row in chunk:
            ws.append([cell(i, value) for i, value in enumerate(row)])


def _date_cell(ws: Any, value: date) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    cell.number_format = DATE_FORMAT  # first: the date then keeps it
    cell.value = value
    return cell


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as bytes (for a small one; see xlsx_file)."""
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


def xlsx_file(sheets: Sequence[Sheet]) -> IO[bytes]:
    """The workbook in a temporary file, read from its start (removed when it is closed)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller sends and closes it)
    try:
        write_xlsx(sheets, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _cell(
    ws: Any,
    value: object,
    *,
    font: Font | None = None,
    number_format: str | None = None,
    alignment: Alignment | None = None,
) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def csv_cell(value: object, percent: bool = False) -> str:
    """Dutch spreadsheet conventions: dates as 31-12-2026, decimal comma, shares as 83,3%."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        text = f"{value * 100:.1f}%" if percent else f"{value:.4f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if percent and isinstance(value, int):
        return f"{value * 100}%"
    return str(value)


def write_csv(sheet: Sheet, out: IO[str]) -> None:
    """One table as CSV: ';' between fields, as Dutch Excel expects."""
    writer = csv.writer(out, delimiter=";")
    writer.writerow(sheet.header)
    percent = [name in sheet.percent for name in sheet.header]
    for chunk in sheet.chunks():
        writer.writerows([csv_cell(v, p) for p, v in zip(percent, row, strict=True)] for row in chunk)


def write(sheets: Sequence[Sheet], target: Path, fmt: str) -> list[Path]:
    """XLSX: one file. CSV: one file per table, named after the target (rapport-normen.csv, ...),
    UTF-8 with a byte order mark and ';' between fields, as Dutch Excel expects."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        write_xlsx(sheets, target)
        return [target]
    written = []
    for sheet in sheets:
        path = target.with_name(f"{target.stem}-{_slug(sheet.name)}.csv")
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            write_csv(sheet, fh)
        written.append(path)
    return written
