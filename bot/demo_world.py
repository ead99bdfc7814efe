"""The demo's world: one colleague per role and a few dossiers at different stages, one of them
overdue, made through the same services the bot uses. Nothing here is a real person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from bot.clock import MovableClock
from bot.i18n import DEFAULT_LANGUAGE
from bot.services import dossiers, intake, roster, users
from bot.services.common import Deps
from bot.vocabulary import Category, ContactWay, Milestone, Role, VraagTopic

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from bot.models import User

WIJKTEAM = "drunen"  # the partner's wijkteam; the default configuration's first


@dataclass(frozen=True)
class DemoPerson:
    """A demo account: its Telegram chat id, role and display name."""

    chat_id: int
    role: Role
    name: str
    wijkteam: str | None = None


PEOPLE = (
    DemoPerson(1001, Role.PARTNER, "Sanne Bakker", WIJKTEAM),
    DemoPerson(1002, Role.KLANTMANAGER, "Karim Haddou"),
    DemoPerson(1003, Role.BUDGETCOACH, "Bram de Wit"),
    DemoPerson(1004, Role.TEAMLEIDER, "Lotte Smit"),
    DemoPerson(1005, Role.BEHEERDER, "Ruud Jansen"),
)
PARTNER, KLANTMANAGER, BUDGETCOACH, TEAMLEIDER, BEHEERDER = PEOPLE
OPENING = time(9, 0)  # the demo clock starts (and "tijd vooruit" lands) at this local time
LAST_START = time(16, 0)  # later than this, the demo starts the next working day


def demo_start(deps: Deps, now: datetime) -> datetime:
    """Where the demo clock starts: now on a working day in office hours before four, else at
    nine on the next working day (today's, before nine), so what the demo shows happens in
    office hours with some of the day left."""
    calendar = deps.calendar
    local = calendar.local(now)
    if calendar.in_office_hours(now) and local.time() < LAST_START:
        return now
    day = calendar.next_working_day(local.date(), include_self=local.time() < OPENING)
    return calendar.at(day, OPENING)


async def seed(
    sessionmaker: async_sessionmaker[AsyncSession],
    deps: Deps,
    clock: MovableClock,
    language: str = DEFAULT_LANGUAGE,
) -> list[User]:
    """Make the demo world in an empty database, the clock turned back while its past is made;
    returns the demo accounts in the order of PEOPLE."""
    start = clock()
    today = deps.calendar.local(start).date()
    accounts: list[User] = []

    def back(n: int) -> date:
        return deps.calendar.add_working_days(today, -n)

    def at(day: date, hour: int = 10) -> None:
        clock.turn_back_to(deps.calendar.at(day, time(hour, 0)))

    at(back(25), 9)
    async with sessionmaker() as session:
        for person in PEOPLE:
            invite = await users.create_invite(
                session,
                deps,
                role=person.role,
                wijkteam=person.wijkteam,
                display_name=person.name,
                beheerder=person.role is Role.BEHEERDER,
            )
            accounts.append(
                await users.register(
                    session, deps, person.chat_id, invite.code, fallback_name=person.name, language=language
                )
            )
        for team in deps.config.wijkteams:  # klantmanager and budgetcoach on duty every weekday
            for weekday in range(5):
                for worker in (accounts[1], accounts[2]):
                    await roster.set_weekly_duty(
                        session,
                        deps,
                        TEAMLEIDER.chat_id,
                        wijkteam=team.code,
                        weekday=weekday,
                        user_id=worker.id,
                        on_duty=True,
                    )

    async def melding(category: Category, day: date, ris: str | None = None) -> str:
        at(day)
        async with sessionmaker() as session:
            made = await intake.create_melding(
                session, deps, PARTNER.chat_id, category=category, meldingsdatum=day, ris_nummer=ris
            )
            await dossiers.acknowledge(session, deps, KLANTMANAGER.chat_id, made.dossier.ref)
        return made.dossier.ref

    async def contact(ref: str, day: date) -> None:
        at(day, 14)
        async with sessionmaker() as session:
            await dossiers.record_milestone(
                session, deps, KLANTMANAGER.chat_id, ref, Milestone.EERSTE_CONTACT, day,
                contact_way=ContactWay.TELEFOON,
            )  # fmt: skip

    # a vroegsignaal answered in time: the first decided figure of /status
    first = await melding(Category.VROEGSIGNALERING, back(20), "RIS-1042")
    await contact(first, back(15))
    # a new aanmelding, in contact, waiting for financiële rust
    second = await melding(Category.NIEUWE_AANMELDING, back(8))
    await contact(second, back(6))
    # a vroegsignaal picked up but nobody reached yet: its two weeks have run out
    await melding(Category.VROEGSIGNALERING, back(13), "RIS-1077")
    # a budget question this morning, for the budgetcoach to pick up and answer
    at(today, 8)
    async with sessionmaker() as session:
        await intake.create_vraag(
            session,
            deps,
            PARTNER.chat_id,
            text="Hoe stel je samen met een inwoner een maandbudget op als het inkomen per maand wisselt?",
            topic=VraagTopic.BUDGET,
        )
    clock.move_to(start)
    return accounts
