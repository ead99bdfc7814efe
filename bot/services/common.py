"""What every service needs: dependencies, the actor, rights, audit, counters, transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.auditchain import GENESIS, chain
from bot.clock import Clock, system_clock
from bot.config import AppConfig
from bot.errors import DomainError, InvalidDate, NotAllowed
from bot.i18n import N_
from bot.models import AuditEntry, BotState, Counter, Dossier, User, Vraag, Wijkteam
from bot.rights import Action, may, roles_of
from bot.vocabulary import AuditAction, Role
from bot.workcalendar import WorkCalendar


@dataclass(frozen=True)
class Deps:
    """The configuration, the working calendar and the clock the services run against."""

    config: AppConfig
    calendar: WorkCalendar
    clock: Clock = field(default=system_clock)

    @classmethod
    def from_config(
        cls, config: AppConfig, tz: str = "Europe/Amsterdam", clock: Clock = system_clock
    ) -> Deps:
        """Build the calendar from the configuration's holidays, closure days and office hours."""
        calendar = WorkCalendar(
            closure_days=config.kalender.sluitingsdagen,
            holiday_categories=config.kalender.feestdagen,
            office_start=config.kantoortijden.begin,
            office_end=config.kantoortijden.einde,
            tz=tz,
        )
        return cls(config, calendar, clock)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """Today in the municipality's time zone."""
        return self.calendar.local(self.clock()).date()


_AUDIT_BUFFER = "audit_rows"


@asynccontextmanager
async def transaction(session: AsyncSession) -> AsyncIterator[None]:
    """Commit when the block succeeds (audit rows in one statement); roll everything back when it
    raises."""
    try:
        yield
        rows = session.info.pop(_AUDIT_BUFFER, None)
        if rows:
            await _append_audit(session, rows)
    except BaseException:
        session.info.pop(_AUDIT_BUFFER, None)
        await session.rollback()
        raise
    await session.commit()


AUDIT_HEAD = "audit_head"


async def _append_audit(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Append rows to the hash-chained audit log. The head row is locked until the commit, so
    writers (also several processes on PostgreSQL) add to the chain one after the other."""
    locked = select(BotState).where(BotState.key == AUDIT_HEAD).with_for_update()
    head = await session.scalar(locked)
    if head is None:  # a database without it yet: two writers may try to create it at once
        try:
            async with session.begin_nested():
                session.add(BotState(key=AUDIT_HEAD, value=GENESIS))
        except IntegrityError:
            pass
        head = await session.scalar(locked)
        assert head is not None
    head.value = chain(head.value, rows)
    await session.execute(insert(cast(Table, AuditEntry.__table__)), rows)  # Core: one statement for all rows


async def load_actor(session: AsyncSession, telegram_id: int) -> User:
    """The registered, active user behind a Telegram account."""
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        raise NotAllowed(
            N_(
                "Je bent nog niet geregistreerd bij de bot. Vraag de functioneel beheerder om een "
                "uitnodiging."
            )
        )
    if not user.active:
        raise NotAllowed(N_("Je account is geblokkeerd. Neem contact op met de beheerder."))
    return user


def user_roles(user: User) -> frozenset[Role]:
    return roles_of(user.role, user.beheerder)


def require(user: User, action: Action) -> None:
    """Refuse unless one of the user's roles permits the action."""
    if not may(user_roles(user), action):
        raise NotAllowed()


def audit(
    session: AsyncSession,
    deps: Deps,
    actor: User | None,
    action: AuditAction,
    *,
    dossier: Dossier | int | None = None,
    vraag: Vraag | int | None = None,
    **details: Any,
) -> None:
    """Append who did what to which item; details hold codes and dates, never free text.
    Written with the transaction's commit, all rows in one statement."""
    session.info.setdefault(_AUDIT_BUFFER, []).append(
        {
            "at": deps.now(),
            "actor_id": actor.id if actor else None,
            "action": action.value,
            "dossier_id": dossier.id if isinstance(dossier, Dossier) else dossier,
            "vraag_id": vraag.id if isinstance(vraag, Vraag) else vraag,
            "details": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in details.items()},
        }
    )


async def next_number(session: AsyncSession, name: str) -> int:
    """The next value of a named counter, race-free on SQLite and PostgreSQL."""
    for _ in range(3):
        value = await session.scalar(
            update(Counter)
            .where(Counter.name == name)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        )
        if value is not None:
            return int(value)
        try:
            async with session.begin_nested():
                await session.execute(insert(Counter).values(name=name, value=1))
            return 1
        except IntegrityError:
            continue  # another process created it first; increment theirs
    raise RuntimeError(f"counter {name} could not be advanced")


async def active_wijkteams(session: AsyncSession) -> list[Wijkteam]:
    """The wijkteams the configuration lists, in its order."""
    return list(
        await session.scalars(select(Wijkteam).where(Wijkteam.actief.is_(True)).order_by(Wijkteam.id))
    )


async def wijkteam_by_code(session: AsyncSession, code: str) -> Wijkteam:
    """An active wijkteam by its code or its name (any case; 'Sociaal wijkteam Drunen' or
    'drunen'), or a Dutch error that lists the codes and names there are."""
    wanted = " ".join(code.split()).casefold()
    teams = await active_wijkteams(session)
    for matches in (
        lambda w: w.code == wanted,
        lambda w: w.naam.casefold() == wanted,
        lambda w: wanted in w.naam.casefold().split(),
        lambda w: wanted in w.naam.casefold(),
    ):
        found = [w for w in teams if matches(w)]
        if len(found) == 1:
            return found[0]
    choices = ", ".join(f"{w.code} ({w.naam})" for w in teams)
    raise DomainError(N_("Wijkteam '{code}' bestaat niet. Kies uit: {keuze}."), code=code, keuze=choices)


def check_past_date(deps: Deps, day: date, not_before: date | None = None) -> None:
    """A recorded date is never in the future, and never before the item's start."""
    if day > deps.today():
        raise InvalidDate(N_("Die datum ligt in de toekomst. Kies vandaag of een eerdere dag."))
    if not_before is not None and day < not_before:
        raise InvalidDate(
            N_("Die datum ligt vóór de meldingsdatum ({datum}); kies die dag of een latere."),
            datum=not_before,
        )
