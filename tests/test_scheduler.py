"""The dispatcher: reminders from the outbox, exactly once, within office hours, through restarts,
stalls and Telegram faults; escalation of items nobody picked up; the daily and weekly lists."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.constants import ParseMode
from telegram.error import TimedOut
from telegram.ext import Defaults, ExtBot

from bot.models import AuditEntry, Deadline, Reminder, User
from bot.services import dossiers, intake, roster
from bot.services.common import Deps
from bot.vocabulary import Beschikking, Category, ContactWay, Milestone, ReminderStatus, VraagTopic
from scheduler.dispatcher import Dispatcher
from tests.conftest import FakeClock, People, make_user
from tests.fakebot import FakeTelegram, TelegramError

WED = date(2026, 12, 2)


@pytest.fixture
async def tg() -> AsyncIterator[tuple[FakeTelegram, ExtBot]]:  # type: ignore[type-arg]
    fake = FakeTelegram()
    bot = ExtBot("123456:TEST", request=fake, defaults=Defaults(parse_mode=ParseMode.HTML))
    await bot.initialize()
    yield fake, bot
    await bot.shutdown()


class Sleeps(list[float]):
    """Records what the dispatcher would have waited; waits nothing."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make(
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    bot: ExtBot,
    sleeps: Sleeps,  # type: ignore[type-arg]
    worker: str = "test:1",
) -> Dispatcher:
    ticks = itertools.count(step=10.0)
    return Dispatcher(sessionmaker, deps, bot, worker=worker, sleep=sleeps, monotonic=lambda: next(ticks))


@pytest.fixture
async def rostered(session: AsyncSession, deps: Deps, people: People) -> People:
    """Drunen: klantmanager every weekday; budgetcoach on Wednesday."""
    for weekday in range(5):
        await roster.set_weekly_duty(
            session,
            deps,
            people.teamleider.telegram_id,
            wijkteam="drunen",
            weekday=weekday,
            user_id=people.klantmanager.id,
            on_duty=True,
        )
    await roster.set_weekly_duty(
        session,
        deps,
        people.teamleider.telegram_id,
        wijkteam="drunen",
        weekday=2,
        user_id=people.budgetcoach.id,
        on_duty=True,
    )
    return people


async def melding(
    session: AsyncSession,
    deps: Deps,
    people: People,
    *,
    pick_up: bool = True,
    category: Category = Category.VROEGSIGNALERING,
    day: date = WED,
) -> str:
    ref = (
        await intake.create_melding(
            session, deps, people.partner.telegram_id, category=category, meldingsdatum=day
        )
    ).dossier.ref
    if pick_up:
        await dossiers.acknowledge(session, deps, people.klantmanager.telegram_id, ref)
    return ref


def texts(fake: FakeTelegram, chat: int) -> list[str]:
    return [m.text for m in fake.sent_to(chat)]


def reminders_to(fake: FakeTelegram, chat: int) -> list[str]:
    """What a chat got, without the daily and weekly lists."""
    return [
        m.text
        for m in fake.sent_to(chat)
        if m.kind == "text" and not m.text.startswith(("Verlopen termijn", "📊 Status"))
    ]


async def statuses(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Reminder.status, func.count()).group_by(Reminder.status))
    return {status: n for status, n in rows}


# -- content and timing ----------------------------------------------------------------------------


async def test_reminders_3_and_1_working_days_before_on_the_day_and_overdue(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    ref = await melding(session, deps, rostered)  # vroegsignalering: eerste contact by Wed 16 December
    d = make(sessionmaker, deps, bot, Sleeps())
    km, tl = rostered.klantmanager.telegram_id, rostered.teamleider.telegram_id
    clock.set(date(2026, 12, 10), time(17, 0))  # Thursday: nothing due yet
    assert (await d.tick()).sent == 0
    clock.set(date(2026, 12, 11), time(8, 30))  # Friday 08:30: 3 werkdagen before
    assert (await d.tick()).sent == 1
    message = fake.last(km)
    assert (
        message.text
        == f"⏰ Herinnering {ref}: Vroegsignalering, uiterlijk woensdag 16 december 2026. Nog 3 werkdagen."
    )
    assert message.buttons == [
        ("eerste contact", f"ms:{ref}:eerste_contact"),
        ("Dossier openen", f"zk:{ref}"),
    ]
    clock.set(date(2026, 12, 15), time(9, 0))
    await d.tick()
    assert fake.last(km).text.endswith("Nog 1 werkdag.")
    clock.set(date(2026, 12, 16), time(8, 31))
    await d.tick()
    assert fake.last(km).text == f"⏰ Vandaag verloopt de termijn Vroegsignalering van {ref}."
    clock.set(date(2026, 12, 17), time(8, 30))
    report = await d.tick()
    assert report.sent == 2  # the holder and, as its own row, the teamleider
    assert reminders_to(fake, km)[-1].startswith(
        f"⚠️ De termijn Vroegsignalering van {ref} is verlopen op woensdag 16 december 2026."
    )
    assert "Behandelaar: Karel KM" in reminders_to(fake, tl)[-1]
    assert (await d.tick()).sent == 0  # each exactly once


async def test_reminders_skip_weekends_and_holidays(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
) -> None:
    clock.set(date(2026, 12, 11))
    await melding(session, deps, rostered, category=Category.BEDREIGENDE_SITUATIE, day=date(2026, 12, 11))
    rows = await session.execute(
        select(Reminder.offset_days, Reminder.due_at)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .where(
            Reminder.kind == "termijn", Reminder.audience == "houder", Deadline.norm == "bedreigende_situatie"
        )
    )
    local = {offset: at.astimezone(deps.calendar.tz) for offset, at in rows}
    # due Monday 28 December (25 Friday = Kerst, weekend after): 3 werkdagen before is Tuesday 22nd
    assert {o: (t.date(), t.time()) for o, t in local.items()} == {
        3: (date(2026, 12, 22), time(8, 30)),
        1: (date(2026, 12, 24), time(8, 30)),
        0: (date(2026, 12, 28), time(8, 30)),
        -1: (date(2026, 12, 29), time(8, 30)),
    }


async def test_nothing_is_sent_at_night_or_in_the_weekend(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    await melding(session, deps, rostered)
    d = make(sessionmaker, deps, bot, Sleeps())
    for day, at in [
        (date(2026, 12, 11), time(7, 59)),
        (date(2026, 12, 11), time(17, 30)),
        (date(2026, 12, 12), time(10, 0)),
        (date(2026, 12, 13), time(12, 0)),
    ]:
        clock.set(day, at)
        report = await d.tick()
        assert report.skipped_outside_office_hours and report.claimed == 0
    assert fake.sent_to(rostered.klantmanager.telegram_id) == []
    assert fake.sent_to(rostered.teamleider.telegram_id) == []
    clock.set(date(2026, 12, 14), time(8, 30))  # Monday morning: the Friday reminder goes out now
    assert (await d.tick()).sent == 1


async def test_after_a_stop_only_the_nearest_reminder_is_sent_and_none_for_a_passed_deadline(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    """Down from Thursday to Tuesday: of the reminders 3 and 1 working days before Wednesday's
    deadline only the nearer one comes; down past the deadline, only the overdue notice comes,
    never "Vandaag verloopt" for a day gone by."""
    fake, bot = tg
    ref = await melding(session, deps, rostered)  # eerste contact by Wednesday 16 December
    km = rostered.klantmanager.telegram_id
    d = make(sessionmaker, deps, bot, Sleeps())
    clock.set(date(2026, 12, 15), time(9, 0))
    assert (await d.tick()).sent == 1
    assert reminders_to(fake, km) == [
        f"⏰ Herinnering {ref}: Vroegsignalering, uiterlijk woensdag 16 december 2026. Nog 1 werkdag."
    ]
    assert (await d.tick()).sent == 0  # the one 3 working days before has lapsed, not waiting

    late = await melding(session, deps, rostered)
    clock.set(date(2026, 12, 18), time(9, 0))  # two days past both deadlines
    await d.tick()
    mine = [t for t in reminders_to(fake, km) if late in t]
    assert len(mine) == 1 and mine[0].split("\n\n")[1:] == [
        f"⚠️ De termijn Vroegsignalering van {ref} is verlopen op woensdag 16 december 2026. "
        "Dat is 2 werkdagen geleden.",
        f"⚠️ De termijn Vroegsignalering van {late} is verlopen op woensdag 16 december 2026. "
        "Dat is 2 werkdagen geleden.",
    ]
    assert not any("Vandaag verloopt" in t or f"Herinnering {late}" in t for t in reminders_to(fake, km))


async def test_stopped_across_20_due_reminders_each_is_sent_once_after_restart(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    refs = [await melding(session, deps, rostered) for _ in range(20)]
    clock.set(date(2026, 12, 11), time(11, 0))  # the bot was down at 08:30
    first = make(sessionmaker, deps, bot, Sleeps(), worker="proces-1")
    assert (await first.tick()).sent == 20
    restarted = make(sessionmaker, deps, bot, Sleeps(), worker="proces-2")
    assert (await restarted.tick()).sent == 0
    received = texts(fake, rostered.klantmanager.telegram_id)
    assert sorted(r for r in refs for t in received if f" {r}:" in t) == sorted(refs)
    assert len(received) == 1 and received[0].startswith("20 herinneringen")  # one bundle
    assert all(received[0].count(f" {r}:") == 1 for r in refs)


async def test_a_crashed_claim_is_taken_over_after_the_lease(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    await melding(session, deps, rostered)
    clock.set(date(2026, 12, 11), time(9, 0))
    from bot.services import reminders as outbox

    d = make(sessionmaker, deps, bot, Sleeps())
    claimed = await outbox.claim_due(session, deps, "gecrasht:1", limit=10, lease=d.lease)
    assert len(claimed) == 1  # ... and that process died before sending
    assert (await d.tick()).claimed == 0
    clock.moment += timedelta(minutes=3)  # the lease is per row and short: minutes, not ten
    assert (await d.tick()).sent == 1
    assert len(reminders_to(fake, rostered.klantmanager.telegram_id)) == 1


# -- Telegram faults -----------------------------------------------------------------------------


async def test_429_waits_as_long_as_telegram_asks(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    await melding(session, deps, rostered)
    clock.set(date(2026, 12, 11), time(9, 0))
    fake.faults.append(TelegramError(429, "Too Many Requests: retry after 3", retry_after=3))
    sleeps = Sleeps()
    assert (await make(sessionmaker, deps, bot, sleeps).tick()).sent == 1
    assert sleeps == [3.0]


async def test_a_long_429_leaves_the_row_for_a_later_tick_instead_of_holding_the_dispatcher(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    await melding(session, deps, rostered)
    clock.set(date(2026, 12, 11), time(9, 0))
    fake.faults.append(TelegramError(429, "Too Many Requests: retry after 150", retry_after=150))
    sleeps = Sleeps()
    report = await make(sessionmaker, deps, bot, sleeps).tick()
    assert (report.sent, report.retried) == (0, 1) and 150.0 not in sleeps
    clock.set(date(2026, 12, 11), time(9, 5))
    assert (await make(sessionmaker, deps, bot, Sleeps()).tick()).sent == 1  # nothing lost


@pytest.mark.parametrize(
    "fault", [TelegramError(502, "Bad Gateway"), TimedOut(), TelegramError(500, "Internal")]
)
async def test_network_errors_and_5xx_retry_with_backoff(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
    fault: Exception,
) -> None:
    fake, bot = tg
    await melding(session, deps, rostered)
    clock.set(date(2026, 12, 11), time(9, 0))
    fake.faults.extend([fault, fault])
    sleeps = Sleeps()
    assert (await make(sessionmaker, deps, bot, sleeps).tick()).sent == 1
    assert sleeps == [2.0, 4.0]


async def test_persistent_faults_leave_the_row_for_the_next_tick(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    await melding(session, deps, rostered)
    clock.set(date(2026, 12, 11), time(9, 0))
    fake.faults.extend([TelegramError(502, "Bad Gateway")] * 4)
    d = make(sessionmaker, deps, bot, Sleeps())
    report = await d.tick()
    assert (report.sent, report.retried) == (0, 1)
    row = (await session.scalars(select(Reminder).where(Reminder.attempts > 0))).one()
    assert (row.status, row.attempts, row.last_error) == (ReminderStatus.GEPLAND, 1, "NetworkError")
    assert (await d.tick()).sent == 1
    actions = [a for (a,) in await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
    assert actions[-2:] == ["herinnering.opnieuw", "herinnering.verzonden"]
    from bot.models import Dossier

    dossier_id = (await session.scalars(select(Dossier.id))).one()
    linked = await session.scalars(
        select(AuditEntry.dossier_id).where(AuditEntry.action.like("herinnering.%"))
    )
    assert set(linked) == {dossier_id}  # every step of the reminder's life is on the dossier's record


async def test_a_worker_who_blocked_the_bot_is_marked_and_the_teamleider_gets_it(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    ref = await melding(session, deps, rostered)
    clock.set(date(2026, 12, 11), time(9, 0))
    fake.blocked.add(rostered.klantmanager.telegram_id)
    d = make(sessionmaker, deps, bot, Sleeps())
    assert (await d.tick()).retried == 1
    user = await session.get(User, rostered.klantmanager.id, populate_existing=True)
    assert user is not None and user.unreachable
    assert (await d.tick()).sent == 1
    text = reminders_to(fake, rostered.teamleider.telegram_id)[-1]
    assert text.startswith("ℹ️ Karel KM is niet bereikbaar via Telegram; daarom krijg jij deze herinnering.")
    assert ref in text


async def test_reminder_follows_the_dossier_to_its_new_holder_and_absence_goes_to_the_teamleider(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    ref = await melding(session, deps, rostered)
    await dossiers.hand_over(session, deps, rostered.klantmanager.telegram_id, ref, rostered.budgetcoach.id)
    clock.set(date(2026, 12, 11), time(9, 0))
    d = make(sessionmaker, deps, bot, Sleeps())
    await d.tick()
    assert ref in fake.last(rostered.budgetcoach.telegram_id).text
    await roster.register_absence(
        session,
        deps,
        rostered.budgetcoach.telegram_id,
        first_day=date(2026, 12, 15),
        last_day=date(2026, 12, 15),
    )
    clock.set(date(2026, 12, 15), time(9, 0))
    await d.tick()
    assert reminders_to(fake, rostered.teamleider.telegram_id)[-1].startswith("ℹ️ Bea BC is vandaag afwezig")


# -- escalation and lists ----------------------------------------------------------------------


async def test_item_not_picked_up_is_resent_then_escalated(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    ref = await melding(session, deps, rostered, pick_up=False)
    d = make(sessionmaker, deps, bot, Sleeps())
    clock.set(WED, time(13, 59))
    assert (await d.tick()).sent == 0
    clock.set(WED, time(14, 0))  # 4 office hours after 10:00
    await d.tick()
    resent = fake.last(rostered.klantmanager.telegram_id)
    assert resent.text == f"🔔 {ref} wacht sinds woensdag 2 december 2026 om 10:00 op iemand die het oppakt."
    assert resent.buttons == [("Oppakken", f"ack:{ref}"), ("Overdragen", f"ho:{ref}")]
    clock.set(date(2026, 12, 3), time(9, 0))  # 8 office hours
    await d.tick()
    escalation = reminders_to(fake, rostered.teamleider.telegram_id)[-1]
    assert escalation.startswith(
        f"🚨 Escalatie: {ref} is sinds woensdag 2 december 2026 om 10:00 nog niet opgepakt (bij Karel KM)."
    )


async def test_picking_up_cancels_the_escalation(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    res = await intake.create_vraag(
        session, deps, rostered.partner.telegram_id, text="Hoe werkt VISH?", topic=VraagTopic.SCHULDEN
    )
    await dossiers.acknowledge(session, deps, rostered.klantmanager.telegram_id, res.vraag.ref)
    clock.set(date(2026, 12, 3), time(12, 0))
    await make(sessionmaker, deps, bot, Sleeps()).tick()
    assert reminders_to(fake, rostered.teamleider.telegram_id) == []
    assert (await statuses(session)).get("geannuleerd") == 2


async def test_daily_overdue_list_once_a_day_and_weekly_status_on_monday(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    a = await melding(session, deps, rostered)
    b = await melding(session, deps, rostered, category=Category.AANMELDING_DERDEN)
    d = make(sessionmaker, deps, bot, Sleeps())
    clock.set(date(2026, 12, 21), time(8, 30))  # Monday: both overdue (16 and 14 December)
    await d.tick()
    daily = [t for t in texts(fake, rostered.klantmanager.telegram_id) if t.startswith("Verlopen termijnen")]
    assert daily == [
        "Verlopen termijnen (2)\n"
        f"• {b} Aanmelding derden: verlopen op maandag 14 december 2026 (5 werkdagen)\n"
        f"• {a} Vroegsignalering: verlopen op woensdag 16 december 2026 (3 werkdagen)"
    ]
    weekly = [t for t in texts(fake, rostered.teamleider.telegram_id) if t.startswith("📊 Status")]
    assert len(weekly) == 1 and weekly[0].startswith(
        "📊 Status – alle wijkteams\nWeek 52 (21 december t/m 27 december 2026)"
    )
    assert "Open dossiers: 2, waarvan 2 te laat" in weekly[0]
    assert "❌ Vroegsignalering: – | 0/1 = 0% (doel 80%)" in weekly[0]
    assert f"• {b} Aanmelding derden – Karel KM – 5 werkdagen" in weekly[0]
    assert weekly[0].endswith(  # the coming week's gaps in the rule: a wijkteam day for everyone
        "Rooster week 52\n"
        "⚠️ Sociaal wijkteam Vlijmen heeft in week 52 geen klantmanager.\n"
        "⚠️ Sociaal wijkteam Vlijmen heeft in week 52 geen budgetcoach.\n"
        "⚠️ Sociaal wijkteam Heusden en Oudheusden heeft in week 52 geen klantmanager.\n"
        "⚠️ Sociaal wijkteam Heusden en Oudheusden heeft in week 52 geen budgetcoach.\n"
        "⚠️ Kees KM (klantmanager) heeft in week 52 geen dag in een wijkteam.\n"
        "Pas het aan met /rooster."
    )
    charts = [m for m in fake.sent_to(rostered.teamleider.telegram_id) if m.kind == "document"]
    assert len(charts) == 1 and charts[0].file is not None and charts[0].file.startswith(b"\x89PNG")
    clock.set(date(2026, 12, 21), time(15, 0))
    await d.tick()
    clock.set(date(2026, 12, 22), time(9, 0))
    await d.tick()
    assert len([t for t in texts(fake, rostered.klantmanager.telegram_id) if t.startswith("Verlopen")]) == 2
    assert len([t for t in texts(fake, rostered.teamleider.telegram_id) if t.startswith("📊 Status")]) == 1
    # a teamleider who joins later in the week gets the overview from the next week on, not unasked
    clock.set(date(2026, 12, 23), time(9, 0))
    newcomer = await make_user(session, deps, 3999, "teamleider", None, "Nieuwe TL")
    await d.tick()
    assert not [t for t in texts(fake, newcomer.telegram_id) if t.startswith("📊 Status")]
    clock.set(date(2026, 12, 28), time(8, 30))
    await d.tick()
    assert len([t for t in texts(fake, newcomer.telegram_id) if t.startswith("📊 Status")]) == 1
    await dossiers.record_milestone(
        session,
        deps,
        rostered.klantmanager.telegram_id,
        a,
        Milestone.EERSTE_CONTACT,
        contact_way=ContactWay.TELEFOON,
    )


async def test_budgetbeheer_gets_a_reminder_for_each_toets(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    km = rostered.klantmanager.telegram_id
    ref = await melding(session, deps, rostered, category=Category.NIEUWE_AANMELDING)
    await dossiers.record_milestone(
        session, deps, km, ref, Milestone.EERSTE_CONTACT, contact_way=ContactWay.KANTOOR
    )
    await dossiers.record_milestone(
        session, deps, km, ref, Milestone.BESCHIKKING, beschikking=Beschikking.TOELATING
    )
    for kind in (
        Milestone.FR_SCHULDEN_STABIEL,
        Milestone.FR_VASTE_LASTEN,
        Milestone.FR_SCHULDEISERS,
        Milestone.PLAN_VAN_AANPAK,
        Milestone.START_BUDGETBEHEER,
    ):
        await dossiers.record_milestone(session, deps, km, ref, kind)
    d = make(sessionmaker, deps, bot, Sleeps())
    clock.set(date(2027, 5, 28), time(9, 0))  # 3 werkdagen before the first toets on 2 June 2027
    await d.tick()
    message = fake.last(km)
    assert message.text.startswith(
        f"⏰ Herinnering {ref}: Budget- / inkomensbeheer, toets 1, uiterlijk woensdag 2 juni 2027."
    )
    assert ("toets zelfredzaamheid", f"ms:{ref}:toets_zelfredzaamheid") in message.buttons


# -- the JobQueue --------------------------------------------------------------------------------


async def test_the_job_is_not_dropped_when_the_loop_stalls(tmp_path, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A tick that comes 5 s late (a stalled event loop) still runs; with APScheduler's default
    misfire_grace_time of 1 s it would have been skipped silently."""
    from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

    from tests.botharness import running_bot

    async with running_bot(tmp_path, clock, schedule_reminders=True) as bot:
        job = next(j for j in bot.app.job_queue.jobs() if j.name == "herinneringen")  # type: ignore[union-attr]
        assert job.job.misfire_grace_time is None and job.job.coalesce
        scheduler = bot.app.job_queue.scheduler  # type: ignore[union-attr]
        outcome: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def listener(event: object) -> None:
            if getattr(event, "job_id", None) == job.job.id and not outcome.done():
                outcome.set_result(event.code)  # type: ignore[attr-defined]

        scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
        job.job.modify(next_run_time=datetime.now(UTC) - timedelta(seconds=5))
        scheduler.wakeup()
        assert await asyncio.wait_for(outcome, timeout=10) == EVENT_JOB_EXECUTED

        # the same late run with the default grace of 1 s is missed
        late = scheduler.add_job(
            lambda: None,
            "date",
            run_date=datetime.now(UTC) - timedelta(seconds=5),
            misfire_grace_time=1,
            id="default-grace",
        )
        missed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        scheduler.add_listener(
            lambda e: e.job_id == late.id and not missed.done() and missed.set_result(e.code),
            EVENT_JOB_EXECUTED | EVENT_JOB_MISSED,
        )
        scheduler.wakeup()
        assert await asyncio.wait_for(missed, timeout=10) == EVENT_JOB_MISSED


async def test_zaak_shows_the_next_reminder(
    session: AsyncSession,
    deps: Deps,
    rostered: People,
) -> None:
    ref = await melding(session, deps, rostered)
    view = await dossiers.get_dossier(session, deps, rostered.klantmanager.telegram_id, ref)
    assert view.next_reminder is not None
    assert view.next_reminder.due_at.astimezone(deps.calendar.tz) == datetime(
        2026, 12, 11, 8, 30, tzinfo=deps.calendar.tz
    )


# -- two processes, one PostgreSQL database ------------------------------------------------------


async def test_two_dispatchers_send_1000_reminders_without_a_duplicate(
    engine,
    config,
    clock: FakeClock,
    tg: tuple[FakeTelegram, ExtBot],  # type: ignore[no-untyped-def]
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("several dispatchers at once is a PostgreSQL deployment (SQLite: one process sends)")
    from sqlalchemy import insert

    from bot.db import create_engine, create_sessionmaker
    from bot.models import Deadline, Dossier, Wijkteam
    from bot.services.users import sync_wijkteams
    from tests.conftest import POSTGRES_URL

    fake, bot = tg
    deps = Deps.from_config(config, clock=clock)
    maker = create_sessionmaker(engine)
    now = clock()
    async with maker() as session:
        await sync_wijkteams(session, config)
        team = (await session.scalars(select(Wijkteam).limit(1))).one()
        worker = User(
            telegram_id=2001,
            role="klantmanager",
            display_name="Karel KM",
            language="nl",
            created_at=now,
            wijkteam_id=team.id,
        )
        session.add(worker)
        await session.flush()
        await session.execute(
            insert(Dossier),
            [
                {
                    "ref": f"SH-2026-{i:04d}",
                    "category": "vroegsignalering",
                    "wijkteam_id": team.id,
                    "meldingsdatum": date(2026, 11, 25),
                    "created_by_id": worker.id,
                    "assignee_id": worker.id,
                    "status": "opgepakt",
                    "created_at": now,
                }
                for i in range(1, 1001)
            ],
        )
        ids = list(await session.scalars(select(Dossier.id).order_by(Dossier.id)))
        await session.execute(
            insert(Deadline),
            [
                {
                    "dossier_id": i,
                    "norm": "vroegsignalering",
                    "seq": 0,
                    "start_date": date(2026, 11, 25),
                    "due_date": date(2026, 12, 9),
                    "status": "lopend",
                    "updated_at": now,
                }
                for i in ids
            ],
        )
        deadline_ids = list(await session.scalars(select(Deadline.id).order_by(Deadline.id)))
        await session.execute(
            insert(Reminder),
            [
                {
                    "key": f"d{d}:2026-12-09:3",
                    "kind": "termijn",
                    "audience": "houder",
                    "deadline_id": d,
                    "offset_days": 3,
                    "due_at": now - timedelta(minutes=5),
                    "status": "gepland",
                    "attempts": 0,
                    "delivered": [],
                    "created_at": now,
                }
                for d in deadline_ids
            ],
        )
        await session.commit()

    assert POSTGRES_URL is not None
    second_engine = create_engine(POSTGRES_URL)  # the other process has its own connections
    try:
        one = Dispatcher(maker, deps, bot, worker="replica-1", batch=50, sleep=Sleeps())
        two = Dispatcher(
            create_sessionmaker(second_engine), deps, bot, worker="replica-2", batch=50, sleep=Sleeps()
        )
        sent = 0
        while True:
            a, b = await asyncio.gather(one.tick(), two.tick())
            sent += a.sent + b.sent
            if a.claimed == b.claimed == 0:
                break
            assert a.claimed and b.claimed, "both replicas should take a share"
    finally:
        await second_engine.dispose()
    messages = [m.text for m in fake.sent_to(2001)]
    refs = [ref for t in messages for ref in re.findall(r"SH-2026-\d{4}", t)]
    assert sent == len(refs) == 1000  # bundled: one message per replica's batch
    assert len(set(refs)) == 1000  # every dossier exactly once
    assert len(messages) < 100
    async with maker() as session:
        assert await statuses(session) == {"verzonden": 1000}
        claimed_by = await session.execute(
            select(Reminder.claimed_by, func.count()).group_by(Reminder.claimed_by)
        )
        assert {w for w, _ in claimed_by} == {"replica-1", "replica-2"}


async def test_free_text_of_closed_dossiers_is_removed_after_the_retention_term(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    from bot.ddas import Uitstroomreden
    from bot.models import Dossier, Vraag

    _, bot = tg
    res = await intake.create_melding(
        session,
        deps,
        rostered.partner.telegram_id,
        category=Category.NIEUWE_AANMELDING,
        meldingsdatum=WED,
        description="Huurachterstand",
    )
    await dossiers.acknowledge(session, deps, rostered.klantmanager.telegram_id, res.dossier.ref)
    await dossiers.close_dossier(
        session, deps, rostered.klantmanager.telegram_id, res.dossier.ref, Uitstroomreden.AFGEROND
    )
    vraag = await intake.create_vraag(session, deps, rostered.partner.telegram_id, text="Hoe werkt VISH?")
    await dossiers.answer_vraag(session, deps, rostered.klantmanager.telegram_id, vraag.vraag.ref, "Zo.")
    d = make(sessionmaker, deps, bot, Sleeps())
    clock.set(date(2027, 3, 1), time(9, 0))  # 89 days later: kept
    assert (await d.tick()).purged == 0
    clock.set(date(2027, 3, 3), time(9, 0))  # past the 90 days
    assert (await d.tick()).purged == 2
    dossier = await session.get(Dossier, res.dossier.id, populate_existing=True)
    answered = await session.get(Vraag, vraag.vraag.id, populate_existing=True)
    assert dossier is not None and dossier.description is None and dossier.category == "nieuwe_aanmelding"
    assert answered is not None and (answered.text, answered.answer) == (None, None)


async def test_a_tick_claims_batch_after_batch_but_tries_a_failing_row_once(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    await melding(session, deps, rostered)
    await melding(session, deps, rostered, category=Category.AANMELDING_DERDEN)
    clock.set(date(2026, 12, 21), time(9, 0))  # both have due reminders now
    d = make(sessionmaker, deps, bot, Sleeps())
    d.batch, d.max_attempts = 1, 1  # one row a batch; a fault leaves the row at once
    fake.faults.append(TelegramError(502, "Bad Gateway"))  # the first row's send fails
    report = await d.tick()
    # the klantmanager's bundle (both rows) failed; the teamleider's came from later batches
    assert report.retried == 2 and report.sent >= 1
    assert report.claimed == report.retried + report.sent + report.cancelled
    from bot.models import Reminder

    async with sessionmaker() as check:  # the failed row waits for the next tick, not the next batch
        waiting = (await check.scalars(select(Reminder).where(Reminder.last_error.is_not(None)))).all()
    assert len(waiting) == 2 and {w.status for w in waiting} == {"gepland"}


# -- bundles: one message per person per tick, every row exactly once ------------------------------


class Crash(BaseException):
    """The process dies (kill -9) in the middle of a send: nothing after it runs."""


def refs_in(fake: FakeTelegram, chat: int) -> list[str]:
    return [ref for m in fake.sent_to(chat) for ref in re.findall(r"SH-2026-\d{4}", m.text)]


async def test_a_persons_reminders_of_one_tick_come_as_one_message_overdue_first(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    fake, bot = tg
    late = await melding(session, deps, rostered, day=date(2026, 11, 25))  # due Wednesday 9 December
    soon = await melding(session, deps, rostered)  # due Wednesday 16 December
    km = rostered.klantmanager.telegram_id
    d = make(sessionmaker, deps, bot, Sleeps())
    clock.set(date(2026, 12, 11), time(9, 0))
    report = await d.tick()
    assert report.sent >= 2
    bundle = [m for m in fake.sent_to(km) if "herinneringen" in m.text]
    assert len(bundle) == 1
    lines = bundle[0].text.split("\n\n")
    assert lines[0] == "2 herinneringen"
    assert lines[1].startswith(f"⚠️ De termijn Vroegsignalering van {late} is verlopen op woensdag 9 december")
    assert lines[2] == (
        f"⏰ Herinnering {soon}: Vroegsignalering, uiterlijk woensdag 16 december 2026. Nog 3 werkdagen."
    )
    assert bundle[0].buttons == [(f"{late} openen", f"zk:{late}"), (f"{soon} openen", f"zk:{soon}")]
    assert (await d.tick()).sent == 0


async def test_a_crash_in_the_middle_of_a_long_bundle_sends_each_row_once(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    """120 reminders for one person need three messages; the process dies while sending the
    second. After the lease, another process sends what the first part did not hold, once."""
    from collections import deque

    fake, bot = tg
    refs = [await melding(session, deps, rostered) for _ in range(120)]
    km = rostered.klantmanager.telegram_id
    clock.set(date(2026, 12, 11), time(9, 0))
    first = make(sessionmaker, deps, bot, Sleeps(), worker="proces-1")
    original = fake.api_sendMessage
    calls = itertools.count()

    def dies_at_the_second(p: dict[str, object]) -> dict[str, object]:
        if next(calls) == 1:
            raise Crash
        return original(p)

    fake.api_sendMessage = dies_at_the_second  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await first.tick()
    fake.api_sendMessage = original  # type: ignore[method-assign]
    fake.chat_faults[km] = deque()
    assert len(fake.sent_to(km)) == 1
    sent_first = refs_in(fake, km)
    assert 0 < len(sent_first) < 120
    clock.moment += timedelta(minutes=3)  # the dead process's lease has run out
    second = make(sessionmaker, deps, bot, Sleeps(), worker="proces-2")
    report = await second.tick()
    assert report.sent == 120  # the rows of the first part are closed, the others sent
    assert sorted(refs_in(fake, km)) == sorted(refs)  # every one exactly once
    assert fake.sent_to(km)[1].text.startswith(f"{120 - len(sent_first)} herinneringen")
    reminders = await statuses(session)
    assert reminders["verzonden"] == 120 and "geclaimd" not in reminders


async def test_a_429_on_a_bundle_loses_nothing_and_doubles_nothing(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    from collections import deque

    fake, bot = tg
    refs = [await melding(session, deps, rostered) for _ in range(5)]
    km = rostered.klantmanager.telegram_id
    clock.set(date(2026, 12, 11), time(9, 0))
    fake.chat_faults[km] = deque([TelegramError(429, "Too Many Requests: retry after 30", retry_after=30)])
    d = make(sessionmaker, deps, bot, Sleeps())
    report = await d.tick()
    assert report.retried == 5 and report.sent == 0 and fake.sent_to(km) == []
    clock.moment += timedelta(minutes=1)
    report = await d.tick()
    assert report.sent == 5
    assert sorted(refs_in(fake, km)) == sorted(refs) and len(fake.sent_to(km)) == 1
    assert (await d.tick()).sent == 0
    reminders = await statuses(session)
    assert reminders["verzonden"] == 5 and "geclaimd" not in reminders


async def test_a_full_tick_is_followed_by_the_next_until_the_bot_stops(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    """The job sends a backlog tick after full tick, but a stopping bot (SIGTERM) waits only for
    the tick in progress: the rest stays in the outbox for the next start."""
    from telegram.ext import ApplicationBuilder, CallbackContext

    from scheduler.dispatcher import DISPATCHER_KEY, dispatch_job

    fake, bot = tg
    for _ in range(25):
        await melding(session, deps, rostered)
    clock.set(date(2026, 12, 11), time(9, 0))  # 25 reminders (3 werkdagen before) due
    app = ApplicationBuilder().bot(bot).build()
    d = make(sessionmaker, deps, bot, Sleeps())
    d.batch, d.max_batches = 5, 2  # a tick takes 10 rows
    app.bot_data[DISPATCHER_KEY] = d
    await dispatch_job(CallbackContext(app))  # not running (stopping): one tick only
    assert (await statuses(session)).get("verzonden") == 10
    app._running = True  # type: ignore[attr-defined]
    await dispatch_job(CallbackContext(app))  # running: tick after full tick until the rest is out
    assert (await statuses(session)).get("verzonden") == 25
    sent = refs_in(fake, rostered.klantmanager.telegram_id)
    assert len(sent) == len(set(sent)) == 25  # each once


async def test_three_teamleiders_at_once_and_one_fails_the_others_are_not_sent_it_again(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    """Bundles to different people run at once and record on the same teamleider rows: none of
    the recordings may overwrite another, or the next tick sends a teamleider the row twice."""
    from collections import deque

    fake, bot = tg
    second = await make_user(session, deps, 3002, "teamleider", None, "Tessa TL")
    third = await make_user(session, deps, 3003, "teamleider", None, "Tom TL")
    ref = await melding(session, deps, rostered)
    clock.set(date(2026, 12, 17), time(9, 0))  # overdue since yesterday: a row for the teamleiders
    fake.chat_faults[third.telegram_id] = deque([TelegramError(502, "Bad Gateway")])
    d = make(sessionmaker, deps, bot, Sleeps())
    d.max_attempts = 1
    await d.tick()
    await d.tick()  # the next tick: only the one that failed
    for leader in (rostered.teamleider, second, third):
        got = [t for t in texts(fake, leader.telegram_id) if ref in t and "Behandelaar" in t]
        assert len(got) == 1, (leader.display_name, got)


async def test_a_bundle_telegram_refuses_is_sent_row_by_row(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    from collections import deque

    fake, bot = tg
    refs = [await melding(session, deps, rostered) for _ in range(3)]
    km = rostered.klantmanager.telegram_id
    clock.set(date(2026, 12, 11), time(9, 0))
    fake.chat_faults[km] = deque([TelegramError(400, "Bad Request: can't parse entities")])
    report = await make(sessionmaker, deps, bot, Sleeps()).tick()
    assert report.sent == 3 and report.retried == 0
    assert [m.text.split(":")[0] for m in fake.sent_to(km)] == [f"⏰ Herinnering {r}" for r in refs]


async def test_a_job_run_stops_when_nothing_goes_out(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: FakeClock,
    rostered: People,
    tg: tuple[FakeTelegram, ExtBot],
) -> None:
    """Telegram keeps refusing (a long 429): the job does not claim the same rows tick after tick."""
    from collections import deque

    from telegram.ext import ApplicationBuilder, CallbackContext

    from scheduler.dispatcher import DISPATCHER_KEY, dispatch_job

    fake, bot = tg
    for _ in range(12):
        await melding(session, deps, rostered)
    clock.set(date(2026, 12, 11), time(9, 0))
    km = rostered.klantmanager.telegram_id
    fake.chat_faults[km] = deque(
        TelegramError(429, "Too Many Requests: retry after 30", retry_after=30) for _ in range(100)
    )
    app = ApplicationBuilder().bot(bot).build()
    d = make(sessionmaker, deps, bot, Sleeps())
    d.batch, d.max_batches = 5, 2
    app.bot_data[DISPATCHER_KEY] = d
    app._running = True  # type: ignore[attr-defined]
    await dispatch_job(CallbackContext(app))
    assert len(fake.chat_faults[km]) == 99  # one try of the bundle, then the job waits for its next run
    async with sessionmaker() as check:
        attempts = set(await check.scalars(select(Reminder.attempts).where(Reminder.last_error.is_not(None))))
    assert attempts == {1}
