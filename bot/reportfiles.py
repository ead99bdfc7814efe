"""Writing the kwartaalrapportage as an XLSX workbook or as CSV files."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.services.export import Sheet


def to_xlsx(sheets: list[Sheet]) -> bytes:
    """One worksheet per table, a bold header row, dates as dates."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        ws.append(sheet.header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(row)
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, date):
                    cell.number_format = "dd-mm-yyyy"
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def write(sheets: list[Sheet], target: Path, fmt: str) -> list[Path]:
    """XLSX: one file. CSV: one file per table, named after the target (rapport-normen.csv, ...)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        target.write_bytes(to_xlsx(sheets))
        return [target]
    written = []
    for sheet in sheets:
        path = target.with_name(f"{target.stem}-{_slug(sheet.name)}.csv")
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(sheet.header)
            for row in sheet.rows:
                writer.writerow(
                    ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
                )
        written.append(path)
    return written
