"""The kwartaalrapportage streamed: the dossier list read a chunk at a time into a temporary file
gives the same sheets, rows, cells and files as the whole quarter read at once into memory (the
way it was built before), as XLSX and as CSV; the chunks are turned into rows in a worker thread."""

from __future__ import annotations

import io
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import reportfiles
from bot.models import Deadline
from bot.periods import Period, parse_quarter
from bot.services import export
from bot.services.common import Deps
from bot.services.reportdata import dossier_data
from tests.conftest import FakeClock, People
from tests.test_ddas import _quarter
from tests.test_kpi import AS_OF, build


async def _in_memory(session: AsyncSession, deps: Deps, period: Period) -> dict[str, export.Sheet]:
    """The dossier list and the chain's sheets as they were built before: every dossier and every
    deadline (ORM objects) in memory at once."""
    data = await dossier_data(session, deps, period)
    deadlines: dict[int, dict[str, Any]] = {}
    ids = [d.dossier_id for d in data]
    for deadline in await session.scalars(
        select(Deadline).where(Deadline.dossier_id.in_(ids), Deadline.seq == 0)
    ):
        assert deadline.dossier_id is not None
        deadlines.setdefault(deadline.dossier_id, {})[deadline.norm] = deadline
    as_of = min(deps.today(), period.end)
    sheets = [*export.chain_sheets(data, period), export.dossier_sheet(deps.config, data, deadlines, as_of)]
    return {s.name: s for s in sheets}


def _old_xlsx(sheets: list[export.Sheet]) -> bytes:
    """The workbook as the writer made it before (every value a styled cell, widths from all rows
    at once): the reference for the streamed writer."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(ws: Any, value: object, **style: Any) -> WriteOnlyCell:
        made = WriteOnlyCell(ws, value=value)
        for key, setting in style.items():
            if setting is not None:
                setattr(made, key, setting)
        return made

    for sheet in sheets:
        rows = list(sheet.rows)
        ws = book.create_sheet(sheet.name[:31])
        widths = [
            max([len(name), *(reportfiles._width(row[index]) for row in rows)])
            for index, name in enumerate(sheet.header)
        ]
        for index, widest in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = min(widest + 2, 60)
        ws.freeze_panes = "A2"
        ws.append([cell(ws, name, font=bold) for name in sheet.header])
        percent = [name in sheet.percent for name in sheet.header]
        for row in rows:
            ws.append(
                [
                    cell(
                        ws,
                        value,
                        number_format="dd-mm-yyyy"
                        if isinstance(value, date)
                        else "0%"
                        if percent[i] and isinstance(value, int | float)
                        else None,
                        alignment=wrap if widths[i] > 60 else None,
                    )
                    for i, value in enumerate(row)
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(workbook: bytes) -> dict[str, Any]:
    """Everything a reader sees of a workbook: per sheet the frozen pane, the column widths and per
    cell its value, number format, boldness and wrapping."""
    book = load_workbook(io.BytesIO(workbook))
    return {
        ws.title: (
            ws.freeze_panes,
            {key: dim.width for key, dim in ws.column_dimensions.items()},
            [
                [(c.value, c.number_format, c.font.bold, c.alignment.wrap_text) for c in row]
                for row in ws.iter_rows()
            ],
        )
        for ws in book.worksheets
    }


async def _quarter_of_kpi(session: AsyncSession, deps: Deps, people: People, clock: FakeClock) -> str:
    clock.set(AS_OF)
    await build(session, deps)
    return "2026-K4"


async def _quarter_of_ddas(session: AsyncSession, deps: Deps, people: People, clock: FakeClock) -> str:
    await _quarter(session, deps, people, clock)
    clock.set(date(2027, 1, 4))
    return "2026-K4"


@pytest.mark.parametrize("dataset", [_quarter_of_kpi, _quarter_of_ddas])
async def test_the_streamed_export_equals_the_one_built_in_memory(
    session: AsyncSession,
    deps: Deps,
    rostered: People,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dataset: Any,
) -> None:
    period = parse_quarter(await dataset(session, deps, rostered, clock))
    expected = await _in_memory(session, deps, period)
    assert len(expected["Dossiers"].rows) >= 5
    monkeypatch.setattr(export, "CHUNK", 2)  # several chunks, one with a single dossier
    sheets = await export.quarterly_sheets(session, deps, period)
    streamed = {s.name: s for s in sheets}
    assert isinstance(streamed["Dossiers"].rows, export.RowSpool)
    assert len(list(streamed["Dossiers"].rows.chunks())) == (len(expected["Dossiers"].rows) + 1) // 2
    for name, sheet in expected.items():
        assert (streamed[name].header, list(streamed[name].rows)) == (sheet.header, sheet.rows), name
        assert list(streamed[name].rows) == sheet.rows  # a spool reads back as often as needed
    # the same workbook as the one the old writer made from the sheets in memory
    in_memory = [expected.get(s.name, s) for s in sheets]
    assert _cells(reportfiles.to_xlsx(sheets)) == _cells(_old_xlsx(in_memory))
    with reportfiles.xlsx_file(sheets) as file:
        assert _cells(file.read()) == _cells(_old_xlsx(in_memory))
    # and the same CSV files, byte for byte
    new = reportfiles.write(sheets, tmp_path / "new" / "rapport.csv", "csv")
    old = reportfiles.write(in_memory, tmp_path / "old" / "rapport.csv", "csv")
    assert [p.name for p in new] == [p.name for p in old] and len(new) == 13
    assert [p.read_bytes() for p in new] == [p.read_bytes() for p in old]
    assert (tmp_path / "new" / "rapport-dossiers.csv").read_text(encoding="utf-8-sig").count("\n") == len(
        expected["Dossiers"].rows
    ) + 1
    for sheet in sheets:
        sheet.close()


async def test_the_dossier_chunks_become_rows_in_a_worker_thread(
    session: AsyncSession,
    deps: Deps,
    rostered: People,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Turning a chunk into rows is the export's Python work: it runs off the event loop's thread,
    one chunk at a time."""
    clock.set(AS_OF)
    await build(session, deps)
    monkeypatch.setattr(export, "CHUNK", 3)
    seen: list[tuple[int, bool]] = []
    rows = export.DossierRows.rows

    def watched(self: export.DossierRows, data: Any, deadlines: Any) -> list[export.Row]:
        seen.append((len(data), threading.current_thread() is threading.main_thread()))
        return rows(self, data, deadlines)

    monkeypatch.setattr(export.DossierRows, "rows", watched)
    sheets = await export.quarterly_sheets(session, deps, parse_quarter("2026-K4"))
    assert [n for n, _ in seen] == [3, 3, 3, 3] and not any(on_loop for _, on_loop in seen)
    assert len(next(s for s in sheets if s.name == "Dossiers").rows) == 12


def test_a_row_spool_keeps_its_rows_in_order_on_disk() -> None:
    spool = export.RowSpool()
    spool.extend([["a", date(2026, 1, 2), None, 1.5]])
    spool.extend([])
    spool.extend([["b", None, 3, None], ["c", date(2026, 3, 4), 0, 0.25]])
    assert len(spool) == 3 and [r[0] for r in spool] == ["a", "b", "c"]
    assert [len(c) for c in spool.chunks()] == [1, 2]
    first = next(iter(spool))
    spool.extend([["d", None, None, None]])  # appending while read: both see their place
    assert first == ["a", date(2026, 1, 2), None, 1.5] and [r[0] for r in spool] == ["a", "b", "c", "d"]
    spool.close()


def test_widths_count_floats_and_ints_apart() -> None:
    """A column measured by its distinct values: 1 and 1.0 are equal to a set but measure 1 and 6."""
    sheet = export.Sheet("x", ["a"], [[1], [1.0], [None]])
    assert reportfiles._widths(sheet) == [6]
    assert reportfiles._widths(export.Sheet("x", ["a"], [[None]])) == [1]


async def test_a_failing_query_fails_the_export_as_itself(
    session: AsyncSession, deps: Deps, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queries run side by side; one that fails fails the export with its own error."""
    clock.set(AS_OF)
    await build(session, deps)

    async def broken(*_: Any) -> None:
        raise ValueError("kapot")

    monkeypatch.setattr(export, "norm_figures", broken)
    with pytest.raises(ValueError, match="kapot"):
        await export.quarterly_sheets(session, deps, parse_quarter("2026-K4"))
