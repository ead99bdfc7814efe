"""Writing the kwartaalrapportage as an XLSX workbook or as CSV files that Dutch Excel opens as
they are."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.services.export import Sheet

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


def to_xlsx(sheets: list[Sheet]) -> bytes:
    """One worksheet per table: a bold, frozen header row, dates as dates, shares as percentages,
    columns as wide as their content (long explanations wrap)."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        ws.append(sheet.header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(row)
        for index, name in enumerate(sheet.header, start=1):
            column = get_column_letter(index)
            widest = max([len(name), *(_width(row[index - 1]) for row in sheet.rows)])
            ws.column_dimensions[column].width = min(widest + 2, MAX_WIDTH)
            for cell in ws[column][1:]:
                if isinstance(cell.value, date):
                    cell.number_format = DATE_FORMAT
                elif name in sheet.percent and isinstance(cell.value, int | float):
                    cell.number_format = PERCENT_FORMAT
                if widest > MAX_WIDTH:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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


def write(sheets: list[Sheet], target: Path, fmt: str) -> list[Path]:
    """XLSX: one file. CSV: one file per table, named after the target (rapport-normen.csv, ...),
    UTF-8 with a byte order mark and ';' between fields, as Dutch Excel expects."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        target.write_bytes(to_xlsx(sheets))
        return [target]
    written = []
    for sheet in sheets:
        path = target.with_name(f"{target.stem}-{_slug(sheet.name)}.csv")
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(sheet.header)
            for row in sheet.rows:
                writer.writerow(
                    [csv_cell(v, name in sheet.percent) for name, v in zip(sheet.header, row, strict=True)]
                )
        written.append(path)
    return written
