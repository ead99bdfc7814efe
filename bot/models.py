"""The database, as SQLAlchemy 2 typed ORM classes. Residents appear only as dossier references."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bot.i18n import DEFAULT_LANGUAGE
from bot.norms import decided_on
from bot.vocabulary import Audience, DeadlineStatus, ReminderKind

# Stable constraint names so Alembic migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) as well."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware one")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class Wijkteam(Base):
    """A sociaal wijkteam, kept in step with the configuration."""

    __tablename__ = "wijkteams"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    naam: Mapped[str] = mapped_column(String(80))
    actief: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    """Someone who joined by invite; the display name is the colleague's, never a resident's."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    role: Mapped[str] = mapped_column(String(20))
    beheerder: Mapped[bool] = mapped_column(Boolean, default=False)  # may combine with a role
    wijkteam_id: Mapped[int | None] = mapped_column(ForeignKey("wijkteams.id"))
    display_name: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(5), default=DEFAULT_LANGUAGE)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    wijkteam: Mapped[Wijkteam | None] = relationship(lazy="joined")


class Invite(Base):
    """A one-time code; only its SHA-256 is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    beheerder: Mapped[bool] = mapped_column(Boolean, default=False)
    wijkteam_id: Mapped[int | None] = mapped_column(ForeignKey("wijkteams.id"))
    display_name: Mapped[str | None] = mapped_column(String(80))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RosterEntry(Base):
    """Worker on duty in a wijkteam on a weekday (0 = maandag), from `vanaf` until before `tot`.

    A change never rewrites the past: taking someone off closes their row, so a past week shows
    who really was on the roster then.
    """

    __tablename__ = "roster_entries"
    __table_args__ = (
        Index(
            "uq_roster_current",
            "wijkteam_id",
            "weekday",
            "user_id",
            unique=True,
            sqlite_where=text("tot IS NULL"),
            postgresql_where=text("tot IS NULL"),
        ),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteams.id"))
    weekday: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    vanaf: Mapped[date | None] = mapped_column(Date)  # None: on it since before history was kept
    tot: Mapped[date | None] = mapped_column(Date)  # first day off it; None: still on it


class RosterOverride(Base):
    """The teamleider's choice for one date in one wijkteam; replaces that day's roster there."""

    __tablename__ = "roster_overrides"
    __table_args__ = (UniqueConstraint("day", "wijkteam_id", "user_id", name="uq_override_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteams.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Absence(Base):
    """A worker is away from first_day to last_day inclusive."""

    __tablename__ = "absences"
    __table_args__ = (CheckConstraint("first_day <= last_day", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class Counter(Base):
    """Sequence per name (e.g. dossier references per year), safe on SQLite and PostgreSQL."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Vraag(Base):
    """A schuldvraag from a partner, anonymous about the resident."""

    __tablename__ = "vragen"
    __table_args__ = (Index("ix_vragen_open_load", "status", "assignee_id"),)  # routing's open workload

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    topic: Mapped[str] = mapped_column(String(20))
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteams.id"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    text: Mapped[str | None] = mapped_column(Text)  # screened; removed after the retention term
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]


class Dossier(Base):
    """A melding's case: pseudonymous reference, category, meldingsdatum and assignee."""

    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_created_cover", "created_at", "category", "wijkteam_id"),
        Index("ix_dossiers_open_load", "status", "assignee_id"),  # routing's open workload
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteams.id"), index=True)
    meldingsdatum: Mapped[date] = mapped_column(Date, index=True)
    ris_nummer: Mapped[str | None] = mapped_column(String(30))
    description: Mapped[str | None] = mapped_column(Text)  # screened; removed after retention
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # DDAS (bot.ddas): a vroegsignaal's partner, organisation and flags; how it ended
    signaalpartner: Mapped[str | None] = mapped_column(String(30))
    organisatie: Mapped[str | None] = mapped_column(String(40))
    crisissignaal: Mapped[bool | None] = mapped_column(Boolean)
    warme_overdracht: Mapped[bool | None] = mapped_column(Boolean)
    eindresultaat: Mapped[str | None] = mapped_column(String(30))  # of a vroegsignaalzaak
    uitstroomreden: Mapped[str | None] = mapped_column(String(30))  # of a schuldhulptraject

    milestones: Mapped[list[MilestoneRecord]] = relationship(
        back_populates="dossier", order_by="MilestoneRecord.day, MilestoneRecord.id"
    )
    deadlines: Mapped[list[Deadline]] = relationship(
        back_populates="dossier", order_by="Deadline.norm, Deadline.seq"
    )


class MilestoneRecord(Base):
    """A milestone with its date; contact attempts and outcomes in their own columns."""

    __tablename__ = "milestones"
    __table_args__ = (
        Index("ix_milestones_dossier_kind", "dossier_id", "kind"),
        Index("ix_milestones_kind_day", "kind", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    kind: Mapped[str] = mapped_column(String(30))
    day: Mapped[date] = mapped_column(Date)
    contact_way: Mapped[str | None] = mapped_column(String(20))
    reached: Mapped[bool | None] = mapped_column(Boolean)
    self_reliant: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(30))
    dagdeel: Mapped[str | None] = mapped_column(String(10))  # of a contact attempt
    uitkomst: Mapped[str | None] = mapped_column(String(30))  # e.g. a beschikking's toelating or afwijzing
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]

    dossier: Mapped[Dossier] = relationship(back_populates="milestones")


class Deadline(Base):
    """One deadline (termijn): a norm running for a dossier or vraag; started, due, and stopped
    (met or niet gehaald) or lapsed."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("dossier_id", "norm", "seq", name="uq_deadline_dossier_clock"),
        UniqueConstraint("vraag_id", "norm", "seq", name="uq_deadline_vraag_clock"),
        CheckConstraint("(dossier_id IS NULL) <> (vraag_id IS NULL)", name="one_owner"),
        Index("ix_deadlines_status_due", "status", "due_date", "dossier_id", "vraag_id"),  # 0011
        Index("ix_deadlines_norm_met", "norm", "met_date"),
        # covering index for the figures: a deadline counts in the period of its decided_on
        Index(
            "ix_deadlines_decided",
            "decided_on",
            "status",
            "norm",
            "seq",
            "met_date",
            "due_date",
            "lead_days",
            "dossier_id",
        ),
        # covering indexes for the quarter's figures (migration 0003)
        Index(
            "ix_deadlines_met_cover",
            "met_date",
            "due_date",
            "norm",
            "seq",
            "status",
            "lead_days",
            "dossier_id",
        ),
        Index(
            "ix_deadlines_due_cover",
            "due_date",
            "met_date",
            "norm",
            "seq",
            "status",
            "lead_days",
            "dossier_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    vraag_id: Mapped[int | None] = mapped_column(ForeignKey("vragen.id"))
    norm: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    met_date: Mapped[date | None] = mapped_column(Date)
    lead_days: Mapped[int | None] = mapped_column(Integer)  # met_date - start_date, for the figures
    # the day an ended deadline was decided: met in time (met), late or niet gehaald (the earlier
    # of the due date and the day it ended), vervallen (the day its dossier closed)
    decided_on: Mapped[date | None] = mapped_column(Date)
    opened_on: Mapped[date | None] = mapped_column(Date)  # the day the row was created
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime]

    dossier: Mapped[Dossier | None] = relationship(back_populates="deadlines")
    reminders: Mapped[list[Reminder]] = relationship(back_populates="deadline")


class Reminder(Base):
    """The outbox: one row per deadline (or unacknowledged item), moment and audience; the
    scheduler claims, sends and marks it."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_status_due", "status", "due_at"),
        CheckConstraint(
            "deadline_id IS NOT NULL OR dossier_id IS NOT NULL OR vraag_id IS NOT NULL", name="has_subject"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(
        String(20), default=ReminderKind.TERMIJN.value, server_default=ReminderKind.TERMIJN.value
    )
    audience: Mapped[str] = mapped_column(
        String(20), default=Audience.HOUDER.value, server_default=Audience.HOUDER.value
    )
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadlines.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    vraag_id: Mapped[int | None] = mapped_column(ForeignKey("vragen.id"), index=True)
    # termijn: werkdagen before due, -1 = overdue; oppakken: escalation level 1 or 2
    offset_days: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(60))
    sent_at: Mapped[datetime | None]
    sent_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delivered: Mapped[list[int]] = mapped_column(
        JSON, default=list, server_default="[]"
    )  # user ids already reached
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]

    deadline: Mapped[Deadline | None] = relationship(back_populates="reminders")


class Digest(Base):
    """A periodic list (daily overdue list, weekly status) sent once per recipient and period."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("kind", "recipient_id", "period", name="uq_digest_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period: Mapped[str] = mapped_column(String(20))  # e.g. 2026-12-07 or 2026-W50
    status: Mapped[str] = mapped_column(String(20))  # bezig, verzonden
    started_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Append-only: who did what to which item, when. Never message texts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    vraag_id: Mapped[int | None] = mapped_column(ForeignKey("vragen.id"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hash: Mapped[str | None] = mapped_column(String(64))  # sha256 of the row and the previous hash


class CodeAttempt(Base):
    """A wrong invite code, to lock an account (and slow everyone) out of guessing; kept a day."""

    __tablename__ = "code_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    at: Mapped[datetime] = mapped_column(index=True)


class SeenUpdate(Base):
    """A Telegram update taken on (its update_id), so one delivered twice (a replica that died
    before Telegram heard it was received) is handled once; kept two days."""

    __tablename__ = "seen_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)


class BotState(Base):
    """Small facts the bot learns at run time, e.g. its username for invite links."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


@event.listens_for(Deadline, "before_insert")
def _decision_day(_mapper: object, _connection: object, row: Deadline) -> None:
    """Rows written without them (old data, generators) get an opening and a decision day by the
    same rule as the services' (bot.norms.decided_on)."""
    if row.opened_on is None:
        row.opened_on = row.start_date
    if row.decided_on is None and row.status in (DeadlineStatus.LOPEND, DeadlineStatus.GESTOPT):
        row.decided_on = decided_on(row.due_date, row.met_date, row.opened_on)
