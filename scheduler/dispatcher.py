"""The dispatcher: a repeating JobQueue job that sends due reminders from the database outbox.

Scheduled work is data: the reminder rows are the source of truth and APScheduler only decides
when to look. Each tick (and one at start-up) claims the due rows, sends them within office hours,
and records the outcome row by row, so a restart or a stalled event loop loses nothing and a sent
reminder is never sent again.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.moments import daily_list_due, iso_week, weekly_overview_day, weekly_overview_due
from bot.services import reminders as outbox
from bot.services import roster, updates
from bot.services.common import Deps
from bot.services.kpi import Scope, status_report
from bot.vocabulary import DigestKind
from handlers.views.chart import status_chart
from handlers.views.reminders import bundle_buttons, bundle_messages, overdue_list
from handlers.views.roster import roster_gaps_text
from handlers.views.status import scope_label, scope_name, status_text
from handlers.views.text import split_message
from scheduler.ratelimit import retry_seconds

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from bot.models import User

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


_BLOCKED = "geblokkeerd"  # a bundle's outcome: the recipient blocked the bot
_LOST = "overgenomen"  # a bundle's outcome: another process claimed the row since


class _Blocked(Exception):
    """The recipient blocked the bot."""


class _Transient(Exception):
    """Telegram or the network failed; worth another try later."""


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    digests: int = 0
    purged: int = 0
    skipped_outside_office_hours: bool = False
    retry_ids: set[int] = field(default_factory=set)


@dataclass
class Dispatcher:
    """Claims, sends and records reminders; one per process."""

    sessionmaker: async_sessionmaker[AsyncSession]
    deps: Deps
    bot: Bot
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    # small batches with a lease per row (renewed as each row's turn comes): after a crash only a
    # few rows wait, and not for long
    batch: int = 20
    lease: timedelta = timedelta(minutes=2)
    max_batches: int = 10  # per tick; the next tick goes on
    max_attempts: int = 4  # per message within one tick
    backoff: float = 2.0  # seconds, doubled per attempt
    # a longer 429 is not waited out: the row stays for a later tick (the rate limiter keeps that
    # chat paused meanwhile), so one chat's flood control never holds the other reminders
    max_retry_after: float = 5.0
    sleep: Sleep = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    per_chat_interval: float = 1.0  # Telegram: about one message a second per chat
    concurrency: int = 16  # people sent to at once; the rate limiter keeps the overall pace
    _last_sent: dict[int, float] = field(default_factory=dict)
    _purged_on: date | None = None
    _one_at_a_time: asyncio.Lock = field(default_factory=asyncio.Lock)
    # bundles to different people run at once but record on shared rows (the teamleiders'): in turn
    _recording: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def tick(
        self, skip: set[int] | None = None, before: Callable[[], None] | None = None
    ) -> TickReport:
        """One look at the outbox: send what is due (in office hours), then the digests. Ticks
        run one at a time (the job and, in the demo, moving the clock share the dispatcher);
        `before` runs once this tick has its turn (the demo moves its clock there); rows in `skip`
        failed earlier in this job run and wait for the next one."""
        async with self._one_at_a_time:
            if before is not None:
                before()
            return await self._tick(skip or set())

    async def _tick(self, skip: set[int]) -> TickReport:
        report = TickReport()
        if not self.deps.calendar.in_office_hours(self.deps.now()):
            report.skipped_outside_office_hours = True
            return report
        tried: set[int] = set(skip)
        deliveries: list[outbox.Delivery] = []
        for _ in range(self.max_batches):
            async with self.sessionmaker() as session:
                ids = await outbox.claim_due(
                    session, self.deps, self.worker, limit=self.batch, lease=self.lease, skip=tried
                )
                tried.update(ids)
                report.claimed += len(ids)
                deliveries += await self._prepare(session, ids, report)
            if len(ids) < self.batch:
                break
        await self._deliver(deliveries, report)
        await self._digests(report)
        return report

    @property
    def capacity(self) -> int:
        """The most rows one tick claims; a full tick is followed by another at once."""
        return self.batch * self.max_batches

    async def _prepare(
        self, session: AsyncSession, ids: list[int], report: TickReport
    ) -> list[outbox.Delivery]:
        """Load the claimed rows; a row whose reason has gone is cancelled, one without anybody
        to send it to fails."""
        deliveries: list[outbox.Delivery] = []
        for reminder_id, delivery in zip(
            ids, await outbox.prepare_many(session, self.deps, ids, self.worker), strict=True
        ):
            if delivery is None:
                report.cancelled += 1
            elif not delivery.recipients and not delivery.reminder.delivered:
                await outbox.mark_failed(session, self.deps, reminder_id, "geen ontvanger")
                report.failed += 1
            else:
                deliveries.append(delivery)
        return deliveries

    async def _deliver(self, deliveries: list[outbox.Delivery], report: TickReport) -> None:
        """Send the tick's rows: one message per person (their bundle), different people at once
        under the rate limiter, and every row recorded on its own, exactly once."""
        bundles: dict[int, tuple[User, list[outbox.Delivery]]] = {}
        for delivery in deliveries:
            for user in delivery.recipients:
                bundles.setdefault(user.id, (user, []))[1].append(delivery)
        gate = asyncio.Semaphore(self.concurrency)

        async def one(user: User, mine: list[outbox.Delivery]) -> dict[tuple[int, int], str | None]:
            async with gate:
                return {
                    (user.id, row): result for row, result in (await self._send_bundle(user, mine)).items()
                }

        outcome: dict[tuple[int, int], str | None] = {}
        for part in await asyncio.gather(*(one(user, mine) for user, mine in bundles.values())):
            outcome.update(part)
        sent: list[int] = []
        retry: dict[int, str] = {}
        for delivery in deliveries:
            row = delivery.reminder.id
            results = [outcome[(u.id, row)] for u in delivery.recipients]
            if _LOST in results:  # another process holds it now: it settles the row
                continue
            faults = [r for r in results if r not in (None, _BLOCKED)]
            reached = len(delivery.reminder.delivered or []) + results.count(None)
            if faults:  # whoever has it is recorded: the next tick sends only to the others
                retry[row] = str(faults[0])
            elif reached:
                sent.append(row)
            else:  # everyone it was meant for blocked the bot: next tick, for the teamleider
                retry[row] = "ontvanger onbereikbaar"
        if sent or retry:
            async with self.sessionmaker() as session:
                await outbox.settle_many(session, self.deps, sent, retry, self.worker)
        report.sent += len(sent)
        report.retried += len(retry)
        report.retry_ids |= set(retry)

    async def _send_bundle(self, user: User, deliveries: list[outbox.Delivery]) -> dict[int, str | None]:
        """One person's reminders as one message (more only past Telegram's limit), each part
        recorded on its rows as soon as it is sent; per row: None when sent, _BLOCKED, _LOST (the
        claim went to another process), or the fault that leaves it for the next tick. A part
        Telegram refuses is tried again row by row, so one bad row holds up no other."""
        lang = user.language
        parts = bundle_messages(
            lang, self.deps.config, self.deps.calendar, self.deps.today(), deliveries, user
        )
        outcome: dict[int, str | None] = {}
        for n, (text, rows) in enumerate(parts):
            left = [d.reminder.id for _, r in parts[n:] for d in r]
            try:
                async with self.sessionmaker() as session:  # still ours? (a slow tick's lease)
                    ours = await outbox.renew_claims(
                        session, self.deps, [d.reminder.id for d in rows], self.worker
                    )
                if len(ours) < len(rows):
                    lost = {d.reminder.id for d in rows} - ours
                    rest = [d for d in rows if d.reminder.id in ours]
                    outcome |= dict.fromkeys(lost, _LOST)
                    if rest:
                        outcome |= await self._send_bundle(user, rest)
                    continue
                await self._send(user.telegram_id, text, bundle_buttons(lang, rows) if n == 0 else None)
            except _Blocked:
                async with self.sessionmaker() as session:
                    await outbox.mark_unreachable(session, self.deps, user.id)
                return outcome | dict.fromkeys(left, _BLOCKED)
            except _Transient as exc:
                if str(exc).startswith("BadRequest") and len(rows) > 1:
                    for d in rows:  # one by one: only the row Telegram refuses waits
                        outcome |= await self._send_bundle(user, [d])
                    continue
                return outcome | dict.fromkeys(left, str(exc))
            except Exception as exc:  # e.g. the database: this person's rest waits for the next tick
                logger.error("bundle for user %s failed: %s", user.id, type(exc).__name__, exc_info=exc)
                return outcome | dict.fromkeys(left, type(exc).__name__)
            async with self._recording, self.sessionmaker() as session:  # before anything can fail
                await outbox.record_delivered(session, [d.reminder.id for d in rows], user.id)
            outcome.update(dict.fromkeys(d.reminder.id for d in rows))
        return outcome

    async def _send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        """Send with Telegram's manners: wait as asked on 429, back off on network faults."""
        parts = split_message(text)
        for i, part in enumerate(parts):
            await self._send_one(chat_id, part, markup if i == len(parts) - 1 else None)

    async def _send_one(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        await self._call(
            chat_id, lambda: self.bot.send_message(chat_id, text, reply_markup=markup, **self._bulk())
        )

    def _bulk(self) -> dict[str, Any]:
        """Mark the dispatcher's sends as bulk, held below the rate left for replies to people."""
        return {"rate_limit_args": {"bulk": True}} if getattr(self.bot, "rate_limiter", None) else {}

    async def _call(self, chat_id: int, request: Callable[[], Awaitable[object]]) -> None:
        for attempt in range(self.max_attempts):
            await self._pace(chat_id)
            try:
                await request()
                return
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                if seconds > self.max_retry_after:
                    raise _Transient(f"RetryAfter {seconds:.0f}s") from exc
                logger.info("flood control: waiting %.0f s as Telegram asks", seconds)
                await self.sleep(seconds)
            except Forbidden as exc:
                raise _Blocked from exc
            except BadRequest as exc:  # before NetworkError, its base class: trying again won't help
                raise _Transient(f"BadRequest: {exc.message[:80]}") from exc
            except (TimedOut, NetworkError) as exc:
                if attempt == self.max_attempts - 1:
                    raise _Transient(type(exc).__name__) from exc
                await self.sleep(self.backoff * 2**attempt)
            except TelegramError as exc:
                raise _Transient(type(exc).__name__) from exc
        raise _Transient("te veel pogingen")

    async def _pace(self, chat_id: int) -> None:
        last = self._last_sent.get(chat_id)
        now = self.monotonic()
        if last is not None and now - last < self.per_chat_interval:
            await self.sleep(self.per_chat_interval - (now - last))
        self._last_sent[chat_id] = self.monotonic()

    # -- digests ------------------------------------------------------------------------------

    async def _digests(self, report: TickReport) -> None:
        local = self.deps.calendar.local(self.deps.now())
        today = local.date()
        if self._purged_on != today:  # retention, once a day per process (idempotent anyway)
            async with self.sessionmaker() as session:
                report.purged = sum(await outbox.purge_free_text(session, self.deps))
                await updates.purge_seen(session, self.deps)
            self._purged_on = today
        if daily_list_due(self.deps.config, local):
            async with self.sessionmaker() as session:
                holders = await outbox.pending_daily(session, self.deps, today.isoformat())
            for holder in holders:
                report.digests += await self._daily(holder, today.isoformat())
        week = iso_week(today)
        if weekly_overview_due(self.deps.config.planner, local):
            async with self.sessionmaker() as session:
                planner = self.deps.config.planner
                due = self.deps.calendar.at(weekly_overview_day(planner, today), planner.weekoverzicht_tijd)
                leaders = await outbox.pending_weekly(session, week, joined_before=due)
            for leader in leaders:
                report.digests += await self._weekly(leader, week)

    async def _daily(self, holder: User, period: str) -> int:
        async with self.sessionmaker() as session:
            if not await outbox.start_digest(
                session, self.deps, DigestKind.DAGLIJST, holder.id, period, stale=self.lease
            ):
                return 0
            overdue = await outbox.overdue_deadlines(session, self.deps, holder.id)
            text = overdue_list(
                holder.language, self.deps.config, self.deps.calendar, self.deps.today(), overdue
            )
            return await self._send_digest(session, DigestKind.DAGLIJST, holder, period, text)

    async def _weekly(self, leader: User, period: str) -> int:
        """The Monday push: the /status report for all wijkteams, with its chart, and the gaps in
        the coming week's roster."""
        async with self.sessionmaker() as session:
            if not await outbox.start_digest(
                session, self.deps, DigestKind.WEEKOVERZICHT, leader.id, period, stale=self.lease
            ):
                return 0
            async with self.sessionmaker() as other:
                report = await status_report(session, self.deps, Scope(), other)
                coming = await roster.coming_week(other, self.deps)
            lang = leader.language
            text = status_text(
                lang, self.deps.config, scope_label(lang, report.scope), report.week, report.quarter
            )
            if coming.gaps:  # the rule that everyone works in a wijkteam at least one day a week
                text += "\n\n" + roster_gaps_text(lang, coming)
            chart = await asyncio.to_thread(
                status_chart, lang, self.deps.config, scope_name(lang, report.scope), report
            )
            sent = await self._send_digest(session, DigestKind.WEEKOVERZICHT, leader, period, text)
            if sent and chart is not None:
                try:
                    await self._call(
                        leader.telegram_id,
                        lambda: self.bot.send_photo(
                            leader.telegram_id,
                            InputFile(io.BytesIO(chart), filename="status.png"),
                            **self._bulk(),
                        ),
                    )
                except (_Blocked, _Transient) as exc:
                    logger.warning("weekly chart for user %s not sent: %s", leader.id, type(exc).__name__)
            return sent

    async def _send_digest(
        self, session: AsyncSession, kind: DigestKind, user: User, period: str, text: str
    ) -> int:
        try:
            await self._send(user.telegram_id, text, None)
        except _Blocked:
            await outbox.mark_unreachable(session, self.deps, user.id)
            await outbox.finish_digest(session, self.deps, kind, user.id, period, sent=True)
            return 0
        except _Transient:
            await outbox.finish_digest(session, self.deps, kind, user.id, period, sent=False)
            return 0
        await outbox.finish_digest(session, self.deps, kind, user.id, period, sent=True)
        return 1


DISPATCHER_KEY = "dispatcher"
MAX_TICKS_IN_A_ROW = 50  # then the job's next interval: other jobs get their turn


async def dispatch_job(context: object) -> None:
    """The JobQueue callback: one tick; a failure is logged and the next tick tries again."""
    from telegram.ext import CallbackContext

    assert isinstance(context, CallbackContext)
    dispatcher = context.application.bot_data[DISPATCHER_KEY]
    failed: set[int] = set()  # rows that failed in this run wait for the next one, not the next tick
    for _ in range(MAX_TICKS_IN_A_ROW):  # a full tick means more is due: go on at Telegram's pace
        try:
            report = await dispatcher.tick(failed)
        except Exception as exc:  # the outbox keeps every row; nothing is lost by skipping a tick
            logger.error("dispatcher tick failed: %s", type(exc).__name__, exc_info=exc)
            return
        if report.claimed or report.digests:
            logger.info("dispatcher: %s", report)
        failed |= report.retry_ids
        if report.claimed < dispatcher.capacity or not report.sent or not context.application.running:
            return  # all sent, nothing goes through, or the bot is stopping: the rest waits


def schedule(application: object, dispatcher: Dispatcher, interval_seconds: int) -> None:
    """Run the dispatcher now and every interval. Late runs are never dropped (APScheduler's
    default misfire_grace_time of 1 s would silently skip a tick after a stalled loop) and
    piled-up runs collapse into one."""
    from telegram.ext import Application

    assert isinstance(application, Application) and application.job_queue is not None
    application.bot_data[DISPATCHER_KEY] = dispatcher
    application.job_queue.run_repeating(
        dispatch_job,
        interval=interval_seconds,
        first=0,
        name="herinneringen",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
