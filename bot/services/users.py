"""Invites, registration, language and blocking; wijkteams kept in step with the configuration."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AppConfig
from bot.errors import DomainError, NotAllowed
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_
from bot.models import BotState, CodeAttempt, Dossier, Invite, User, Vraag, Wijkteam
from bot.privacy import Finding, PrivacyRefused, screen
from bot.rights import Action
from bot.services.common import Deps, audit, load_actor, require, transaction, wijkteam_by_code
from bot.vocabulary import AuditAction, DossierStatus, Role, VraagStatus

# Unambiguous characters (no 0/O, 1/I/L) so a code can be read out and typed.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def normalize_code(code: str) -> str:
    """Upper case without spaces or dashes, as typed or from a deep link."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def name_findings(name: str) -> tuple[Finding, ...]:
    """What a colleague's display name holds besides a name: a phone number, an e-mail address,
    a BSN, an address... (a name is what it should hold)."""
    return tuple(f for f in screen(name).findings if f is not Finding.NAAM)


def format_code(code: str) -> str:
    """Groups of four for reading: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class InviteResult:
    code: str  # shown once; only its hash is stored
    role: Role
    wijkteam: str | None
    expires_at: datetime


async def sync_wijkteams(session: AsyncSession, config: AppConfig) -> None:
    """Add and rename wijkteams from the configuration; deactivate those it no longer lists."""
    async with transaction(session):
        current = {w.code: w for w in await session.scalars(select(Wijkteam))}
        for team in config.wijkteams:
            row = current.pop(team.code, None)
            if row is None:
                session.add(Wijkteam(code=team.code, naam=team.naam, actief=True))
            else:
                row.naam, row.actief = team.naam, True
        for row in current.values():
            row.actief = False


async def create_invite(
    session: AsyncSession,
    deps: Deps,
    *,
    role: Role,
    wijkteam: str | None = None,
    display_name: str | None = None,
    beheerder: bool = False,
    actor_telegram_id: int | None = None,
) -> InviteResult:
    """A one-time invite for a role (and wijkteam); actor None means the operator's command line."""
    async with transaction(session):
        actor = None
        if actor_telegram_id is not None:
            actor = await load_actor(session, actor_telegram_id)
            require(actor, Action.MANAGE_USERS)
        if role is Role.PARTNER and not wijkteam:
            raise DomainError(
                N_("Een medewerker voorliggend veld hoort bij een wijkteam: noem het wijkteam.")
            )
        team = await wijkteam_by_code(session, wijkteam) if wijkteam else None
        name = (display_name or "").strip() or None
        if name is not None and len(name) > 80:
            raise DomainError(N_("De naam is te lang (hoogstens 80 tekens)."))
        findings = name_findings(name) if name is not None else ()
        if findings:
            raise PrivacyRefused(findings)
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        expires = deps.now() + timedelta(days=deps.config.uitnodiging_geldig_dagen)
        invite = Invite(
            code_hash=hash_code(code),
            role=role.value,
            beheerder=beheerder or role is Role.BEHEERDER,
            wijkteam_id=team.id if team else None,
            display_name=name,
            created_by_id=actor.id if actor else None,
            created_at=deps.now(),
            expires_at=expires,
        )
        session.add(invite)
        await session.flush()
        audit(
            session,
            deps,
            actor,
            AuditAction.INVITE_CREATED,
            invite=invite.id,
            rol=role.value,
            wijkteam=team.code if team else None,
        )
    return InviteResult(code, role, team.code if team else None, expires)


async def register(
    session: AsyncSession,
    deps: Deps,
    telegram_id: int,
    code: str,
    *,
    fallback_name: str,
    language: str = DEFAULT_LANGUAGE,
) -> User:
    """Join with a one-time code: the account gets the invite's role and wijkteam."""
    async with transaction(session):
        existing = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        if existing is not None:
            raise DomainError(N_("Je bent al geregistreerd. Typ /help voor wat je kunt doen."))
        invite = await session.scalar(
            select(Invite).where(Invite.code_hash == hash_code(code)).with_for_update()
        )
        if invite is None:
            raise DomainError(N_("Deze uitnodigingscode klopt niet. Controleer de code of vraag een nieuwe."))
        if invite.used_at is not None:
            raise DomainError(N_("Deze uitnodiging is al gebruikt. Vraag een nieuwe aan."))
        if invite.expires_at <= deps.now():
            raise DomainError(N_("Deze uitnodiging is verlopen. Vraag een nieuwe aan."))
        team = await session.get(Wijkteam, invite.wijkteam_id) if invite.wijkteam_id else None
        name = (invite.display_name or fallback_name.strip())[:80]
        if not name or name_findings(name):  # e.g. a phone number as Telegram name: never stored
            name = "?"  # the role and the account number, below
        user = User(
            telegram_id=telegram_id,
            role=invite.role,
            beheerder=invite.beheerder,
            wijkteam=team,
            display_name=name,
            language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
            active=True,
            created_at=deps.now(),
        )
        session.add(user)
        await session.flush()
        if name == "?":
            user.display_name = f"{invite.role} {user.id}"
        invite.used_at, invite.used_by_id = deps.now(), user.id
        audit(session, deps, user, AuditAction.USER_JOINED, invite=invite.id, rol=invite.role)
    return user


MAX_WRONG_CODES = 5  # per account within ACCOUNT_WINDOW: locked out for the rest of it
ACCOUNT_WINDOW = timedelta(minutes=15)
GLOBAL_WRONG_CODES = 30  # across all accounts within an hour: one try a minute for everyone
GLOBAL_WINDOW = timedelta(hours=1)
GLOBAL_PACE = timedelta(minutes=1)


class CodeGate(StrEnum):
    OPEN = "open"
    LOCKED = "locked"  # this account tried too many wrong codes
    SLOWED = "slowed"  # many wrong codes overall: wait a minute


async def code_gate(session: AsyncSession, deps: Deps, telegram_id: int) -> CodeGate:
    """May this account try an invite code now?"""
    now = deps.now()
    async with transaction(session):
        mine = await session.scalar(
            select(func.count())
            .select_from(CodeAttempt)
            .where(CodeAttempt.telegram_id == telegram_id, CodeAttempt.at > now - ACCOUNT_WINDOW)
        )
        if int(mine or 0) >= MAX_WRONG_CODES:
            return CodeGate.LOCKED
        overall, last = (
            await session.execute(
                select(func.count(), func.max(CodeAttempt.at)).where(CodeAttempt.at > now - GLOBAL_WINDOW)
            )
        ).one()
    if int(overall or 0) >= GLOBAL_WRONG_CODES and last is not None and now - last < GLOBAL_PACE:
        return CodeGate.SLOWED
    return CodeGate.OPEN


async def record_wrong_code(session: AsyncSession, deps: Deps, telegram_id: int) -> list[User]:
    """Remember a wrong code. When it makes the overall count reach the limit, the beheerders to
    warn (once); else nobody. Attempts older than a day are removed."""
    now = deps.now()
    async with transaction(session):
        await session.execute(delete(CodeAttempt).where(CodeAttempt.at < now - timedelta(days=1)))
        session.add(CodeAttempt(telegram_id=telegram_id, at=now))
        await session.flush()
        overall = await session.scalar(
            select(func.count()).select_from(CodeAttempt).where(CodeAttempt.at > now - GLOBAL_WINDOW)
        )
        if int(overall or 0) != GLOBAL_WRONG_CODES:
            return []
        return list(
            await session.scalars(select(User).where(User.beheerder.is_(True), User.active.is_(True)))
        )


async def mark_reachable(session: AsyncSession, deps: Deps, telegram_id: int) -> None:
    """A colleague who had blocked the bot writes to it again: reminders reach them again."""
    async with transaction(session):
        user = await load_actor(session, telegram_id)
        if user.unreachable:
            user.unreachable = False
            audit(session, deps, user, AuditAction.USER_REACHABLE)


async def get_user(session: AsyncSession, telegram_id: int) -> User | None:
    """The account behind a Telegram id, registered or not, active or not."""
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def set_language(session: AsyncSession, deps: Deps, telegram_id: int, language: str) -> User:
    """Switch the user's language (nl or en)."""
    async with transaction(session):
        user = await load_actor(session, telegram_id)
        if language not in LANGUAGES:
            raise DomainError(N_("Kies nl of en."))
        user.language = language
        audit(session, deps, user, AuditAction.USER_LANGUAGE, taal=language)
    return user


@dataclass(frozen=True)
class AccountChange:
    user: User
    released: list[str]  # the blocked colleague's open items, now without a holder
    teamleiders: list[User]  # who redistribute them
    changed: bool = True  # False: the account already was so (a second press): nothing done


async def set_active(
    session: AsyncSession, deps: Deps, actor_telegram_id: int | None, user_id: int, active: bool
) -> User:
    """Block or unblock an account (beheerder, or the operator's command line)."""
    return (await change_account(session, deps, actor_telegram_id, user_id, active)).user


async def change_account(
    session: AsyncSession, deps: Deps, actor_telegram_id: int | None, user_id: int, active: bool
) -> AccountChange:
    """Block or unblock an account. A blocked colleague's open dossiers and vragen lose their
    holder: the teamleiders see them in /zaken and get their reminders until they hand them on."""
    async with transaction(session):
        actor = None
        if actor_telegram_id is not None:
            actor = await load_actor(session, actor_telegram_id)
            require(actor, Action.MANAGE_USERS)
        user = await session.get(User, user_id)
        if user is None:
            raise DomainError(N_("Die gebruiker bestaat niet."))
        if actor is not None and user.id == actor.id and not active:
            raise NotAllowed(N_("Je kunt jezelf niet blokkeren."))
        if user.active == active:  # a second press or a repeated command: no second audit entry
            return AccountChange(user, [], [], changed=False)
        user.active = active
        released: list[str] = []
        if not active:
            released = await _release_items(session, user)
        audit(
            session,
            deps,
            actor,
            AuditAction.USER_ACTIVATED if active else AuditAction.USER_BLOCKED,
            gebruiker=user.id,
            vrijgegeven=len(released),
        )
        leaders = list(
            await session.scalars(
                select(User).where(User.role == Role.TEAMLEIDER, User.active.is_(True), User.id != user.id)
            )
        )
    return AccountChange(user, released, leaders)


async def _release_items(session: AsyncSession, user: User) -> list[str]:
    dossiers = await session.execute(
        update(Dossier)
        .where(Dossier.assignee_id == user.id, Dossier.status != DossierStatus.AFGESLOTEN)
        .values(assignee_id=None)
        .returning(Dossier.ref)
    )
    vragen = await session.execute(
        update(Vraag)
        .where(Vraag.assignee_id == user.id, Vraag.status != VraagStatus.BEANTWOORD)
        .values(assignee_id=None)
        .returning(Vraag.ref)
    )
    return sorted([*dossiers.scalars(), *vragen.scalars()])


async def accounts(session: AsyncSession, deps: Deps, actor_telegram_id: int | None) -> list[User]:
    """Every account, for blocking and unblocking (beheerder, or the command line)."""
    async with transaction(session):
        if actor_telegram_id is not None:
            require(await load_actor(session, actor_telegram_id), Action.MANAGE_USERS)
        return list(await session.scalars(select(User).order_by(User.display_name)))


def renamed(user: User) -> bool:
    """The display name is the role and account number: the Telegram name held personal data."""
    return user.display_name == f"{user.role} {user.id}"


async def beheerders_told_of(session: AsyncSession, deps: Deps, actor_telegram_id: int) -> list[User]:
    """The active beheerders, when this newcomer's Telegram name was replaced; else nobody."""
    async with transaction(session):
        newcomer = await load_actor(session, actor_telegram_id)
        if not renamed(newcomer):
            return []
        return list(
            await session.scalars(
                select(User).where(User.beheerder.is_(True), User.active.is_(True), User.id != newcomer.id)
            )
        )


async def overseers(session: AsyncSession, deps: Deps, actor_telegram_id: int) -> list[User]:
    """When a teamleider or beheerder joins: the other active teamleiders and beheerders, to tell."""
    async with transaction(session):
        newcomer = await load_actor(session, actor_telegram_id)
        if newcomer.role != Role.TEAMLEIDER and not newcomer.beheerder:
            return []
        return list(
            await session.scalars(
                select(User).where(
                    User.active.is_(True),
                    User.id != newcomer.id,
                    or_(User.role == Role.TEAMLEIDER, User.beheerder.is_(True)),
                )
            )
        )


async def bot_username(session: AsyncSession) -> str | None:
    """The bot's @username as learned at start-up, for invite links."""
    row = await session.get(BotState, "username")
    return row.value if row else None


async def remember_bot_username(session: AsyncSession, username: str) -> None:
    """Store the bot's username (from getMe) so the command line can print deep links."""
    async with transaction(session):
        row = await session.get(BotState, "username")
        if row is None:
            session.add(BotState(key="username", value=username))
        else:
            row.value = username
