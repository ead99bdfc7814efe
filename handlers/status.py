"""/status (text and chart) and /export (the kwartaalrapportage as XLSX)."""

from __future__ import annotations

import asyncio
import io

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot.periods import parse_quarter, quarter_of
from bot.reportfiles import xlsx_file as to_xlsx  # the workbook in a temporary file
from bot.rights import Action
from bot.services import export, kpi
from handlers.guards import domain_errors, registered
from handlers.runtime import call, reply, runtime, session_for
from handlers.views.chart import status_chart
from handlers.views.status import scope_label, scope_name, status_text
from handlers.views.text import t


@domain_errors()
async def show_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status [wijkteam]: the figures as text, then the chart (when anything was decided)."""
    user = await registered(update, context)
    if user is None:
        return
    rt, lang = runtime(context), user.language
    async with session_for(context) as session, session_for(context) as other:
        report = await kpi.status_for(
            session, rt.deps, user.telegram_id, " ".join(context.args) if context.args else None, other
        )
    text = status_text(lang, rt.deps.config, scope_label(lang, report.scope), report.week, report.quarter)
    await reply(update, context, text)
    assert update.effective_chat is not None
    # drawing takes a good part of a second: in a worker thread, so other people are answered meanwhile
    chart = await asyncio.to_thread(
        status_chart, lang, rt.deps.config, scope_name(lang, report.scope), report
    )
    if chart is not None:  # nothing decided yet: no picture of nothing
        await context.bot.send_photo(
            update.effective_chat.id, InputFile(io.BytesIO(chart), filename="status.png")
        )


@domain_errors()
async def export_quarter(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export [2026-K3]: the kwartaalrapportage as XLSX (default: the running quarter). The
    dossier list is streamed from the database into a temporary file and the workbook is written
    to another one in a worker thread, so nobody waits meanwhile and memory stays flat."""
    user = await registered(update, context, Action.EXPORT)
    if user is None:
        return
    rt, lang = runtime(context), user.language
    period = parse_quarter(context.args[0]) if context.args else quarter_of(rt.deps.today())
    sheets = await call(context, export.export_for, user.telegram_id, period)
    try:
        workbook = await asyncio.to_thread(to_xlsx, sheets)  # openpyxl off the event loop
    finally:
        for sheet in sheets:
            sheet.close()
    assert update.effective_chat is not None
    with workbook:
        await context.bot.send_document(
            update.effective_chat.id,
            InputFile(workbook, filename=f"kwartaalrapportage-{period.label}.xlsx"),
            caption=t(
                lang,
                "Kwartaalrapportage {kwartaal}, stand van {datum}.",
                kwartaal=period.label,
                datum=rt.deps.today(),
            ),
        )
