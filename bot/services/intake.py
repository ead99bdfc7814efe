"""New items: a schuldvraag or a melding, routed to the on-duty worker."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ddas import Signaalpartner
from bot.errors import DomainError, InvalidDate
from bot.i18n import N_
from bot.models import Deadline, Dossier, User, Vraag, Wijkteam
from bot.norms import vraag_due
from bot.privacy import Finding, PrivacyRefused, ensure_clean, screen
from bot.rights import Action
from bot.routing import RoutingDecision, candidates, route
from bot.services.common import (
    Deps,
    active_wijkteams,
    audit,
    check_past_date,
    load_actor,
    next_number,
    require,
    transaction,
    wijkteam_by_code,
)
from bot.services.deadlines import schedule_pickup_escalation, start_vraag_deadline, sync_dossier_deadlines
from bot.services.roster import load_duties
from bot.vocabulary import (
    AuditAction,
    Category,
    DeadlineStatus,
    DossierStatus,
    Role,
    VraagStatus,
    VraagTopic,
)

MAX_DESCRIPTION = 500
MAX_QUESTION = 1000
MELDING_MAX_AGE_DAYS = 366
_RIS_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/-]{0,29}$")


@dataclass(frozen=True)
class Signaal:
    """What DDAS records of a vroegsignaal besides its date: no personal data."""

    partner: Signaalpartner | None = None
    organisatie: str | None = None
    crisissignaal: bool | None = None
    warme_overdracht: bool | None = None


@dataclass(frozen=True)
class Routed:
    """Who picks an item up, and who must be told."""

    decision: RoutingDecision
    assignee: User | None
    teamleiders: list[User]  # to tell, when routing fell through to a later day or to nobody


@dataclass(frozen=True)
class MeldingResult:
    dossier: Dossier
    routed: Routed
    first_deadline: Deadline | None  # the running deadline that falls due first
    wijkteam: Wijkteam
    sender: User


@dataclass(frozen=True)
class VraagResult:
    vraag: Vraag
    routed: Routed
    deadline: Deadline | None
    wijkteam: Wijkteam
    asker: User


async def open_load(session: AsyncSession, user_ids: Collection[int] | None = None) -> dict[int, int]:
    """Open dossiers and vragen per assignee (of `user_ids` only, when given), to spread new items
    over equal candidates."""
    if user_ids is not None and not user_ids:
        return {}
    # the open statuses, not "not closed": the (status, assignee) indexes then cover the query,
    # which no longer reads every dossier ever made
    dossier_ids = Dossier.assignee_id.is_not(None) if user_ids is None else Dossier.assignee_id.in_(user_ids)
    vraag_ids = Vraag.assignee_id.is_not(None) if user_ids is None else Vraag.assignee_id.in_(user_ids)
    open_items = union_all(
        select(Dossier.assignee_id.label("uid")).where(
            Dossier.status.in_([DossierStatus.NIEUW, DossierStatus.OPGEPAKT]), dossier_ids
        ),
        select(Vraag.assignee_id.label("uid")).where(
            Vraag.status.in_([VraagStatus.NIEUW, VraagStatus.OPGEPAKT]), vraag_ids
        ),
    ).subquery()
    rows = await session.execute(select(open_items.c.uid, func.count()).group_by(open_items.c.uid))
    return {int(uid): int(n) for uid, n in rows}


async def route_item(session: AsyncSession, deps: Deps, wijkteam: Wijkteam, kind: str) -> Routed:
    """Apply the routing rules to the current roster, absences and workload."""
    horizon = deps.config.routering.werkdagen_vooruit
    today = deps.today()
    # Enough calendar days to cover `horizon` working days even around Christmas.
    duties = await load_duties(session, today, today + timedelta(days=horizon * 2 + 14))
    moment = deps.now()
    # only the candidates' workload: not a count over every open item in the country
    load = await open_load(session, candidates(wijkteam.code, moment, deps.calendar, duties, horizon))
    decision = route(
        wijkteam.code,
        moment,
        deps.config.routering.preferred_role(kind),
        deps.calendar,
        duties,
        load,
        horizon,
    )
    assignee = await session.get(User, decision.assignee_id) if decision.assignee_id else None
    teamleiders: list[User] = []
    if decision.notify_teamleider:
        teamleiders = list(
            await session.scalars(select(User).where(User.role == Role.TEAMLEIDER, User.active.is_(True)))
        )
    return Routed(decision, assignee, teamleiders)


@dataclass(frozen=True)
class TeamChoice:
    code: str
    naam: str
    own: bool  # the sender's own wijkteam, offered first


async def melding_wijkteams(session: AsyncSession, deps: Deps, actor_telegram_id: int) -> list[TeamChoice]:
    """The wijkteams a melding can be for, the sender's own first."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.SUBMIT_MELDING)
        teams = await active_wijkteams(session)
    own = actor.wijkteam.code if actor.wijkteam else None
    choices = [TeamChoice(w.code, w.naam, w.code == own) for w in teams]
    return sorted(choices, key=lambda c: not c.own)


async def _team_for(session: AsyncSession, actor: User, code: str | None) -> Wijkteam:
    if code:
        return await wijkteam_by_code(session, code)
    if actor.wijkteam is None or not actor.wijkteam.actief:
        raise DomainError(N_("Kies een wijkteam."))
    return actor.wijkteam


def validate_meldingsdatum(deps: Deps, meldingsdatum: date) -> None:
    """Not in the future, not more than a year back (a mistyped year)."""
    check_past_date(deps, meldingsdatum)
    if meldingsdatum < deps.today() - timedelta(days=MELDING_MAX_AGE_DAYS):
        raise InvalidDate(N_("Die meldingsdatum ligt meer dan een jaar terug. Klopt het jaartal?"))


def validate_signaal(deps: Deps, category: Category, signaal: Signaal | None) -> Signaal | None:
    """Signaal details only for vroegsignalering; the organisation from the configured list."""
    if signaal is None or signaal == Signaal():
        return None
    if category is not Category.VROEGSIGNALERING:
        raise DomainError(N_("Een signaalpartner hoort alleen bij vroegsignalering."))
    if signaal.partner is not None and not isinstance(signaal.partner, Signaalpartner):
        raise DomainError(N_("Die signaalpartner ken ik niet."))
    if (
        signaal.organisatie is not None
        and signaal.organisatie not in deps.config.vroegsignalering.organisaties
    ):
        raise DomainError(N_("Kies een organisatie uit de lijst."))
    return signaal


def validate_ris_nummer(category: Category, ris_nummer: str | None) -> str | None:
    """A RIS number only for vroegsignalering, letters, digits, / and - only."""
    ris = (ris_nummer or "").strip() or None
    if ris is None:
        return None
    if category is not Category.VROEGSIGNALERING:
        raise DomainError(N_("Een RIS-nummer hoort alleen bij vroegsignalering."))
    if not _RIS_NUMBER.match(ris):
        raise DomainError(N_("Een RIS-nummer bestaat uit letters, cijfers, / of - (hoogstens 30 tekens)."))
    # its format allows digits only: a phone number, BSN or IBAN typed here is refused all the same
    findings = tuple(f for f in screen(ris).findings if f is not Finding.CIJFERREEKS)
    if findings:
        raise PrivacyRefused(findings)
    return ris


async def known_names(session: AsyncSession, deps: Deps) -> list[str]:
    """Names that are no inwoner's: the municipality, its wijkteams, registered colleagues."""
    names = [deps.config.gemeente, *(w.naam for w in deps.config.wijkteams)]
    names += list(await session.scalars(select(User.display_name).where(User.active.is_(True))))
    return names


async def check_description(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, text: str
) -> str | None:
    """A melding's description, screened before the flow goes on (nothing stored yet)."""
    async with transaction(session):
        require(await load_actor(session, actor_telegram_id), Action.SUBMIT_MELDING)
        return await screened_text(session, deps, text, MAX_DESCRIPTION, required=False)


async def screened_text(
    session: AsyncSession, deps: Deps, text: str | None, limit: int, *, required: bool
) -> str | None:
    """clean_text, with the names the bot knows looked up only when the text seems to hold a
    name: known names can only take a name finding away, never add or change another."""
    try:
        return clean_text(text, limit, required=required)
    except PrivacyRefused as refused:
        if Finding.NAAM not in refused.findings:
            raise
    return clean_text(text, limit, required=required, allowed=await known_names(session, deps))


def clean_text(text: str | None, limit: int, *, required: bool, allowed: Iterable[str] = ()) -> str | None:
    """Trimmed free text within its limit and screened for personal data (names the bot knows to
    be no inwoner's, `allowed`, pass)."""
    value = (text or "").strip()
    if not value:
        if required:
            raise DomainError(N_("Typ een korte tekst; een leeg bericht kan niet."))
        return None
    if len(value) > limit:
        raise DomainError(N_("Je tekst is te lang: hoogstens {n} tekens."), n=limit)
    ensure_clean(value, allowed)
    return value


async def create_melding(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    *,
    category: Category,
    meldingsdatum: date,
    description: str | None = None,
    wijkteam: str | None = None,
    ris_nummer: str | None = None,
    signaal: Signaal | None = None,
) -> MeldingResult:
    """Open a dossier for a referral, start its deadlines and route it."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.SUBMIT_MELDING)
        team = await _team_for(session, actor, wijkteam)
        validate_meldingsdatum(deps, meldingsdatum)
        ris = validate_ris_nummer(category, ris_nummer)
        signal = validate_signaal(deps, category, signaal) or Signaal()
        text = await screened_text(session, deps, description, MAX_DESCRIPTION, required=False)
        year = deps.today().year
        ref = f"SH-{year}-{await next_number(session, f'dossier-{year}'):04d}"
        routed = await route_item(session, deps, team, category.value)
        dossier = Dossier(
            ref=ref,
            category=category.value,
            wijkteam_id=team.id,
            meldingsdatum=meldingsdatum,
            ris_nummer=ris,
            signaalpartner=signal.partner.value if signal.partner else None,
            organisatie=signal.organisatie,
            crisissignaal=signal.crisissignaal,
            warme_overdracht=signal.warme_overdracht,
            description=text,
            created_by_id=actor.id,
            assignee_id=routed.decision.assignee_id,
            status=DossierStatus.NIEUW,
            created_at=deps.now(),
        )
        session.add(dossier)
        await session.flush()
        audit(
            session,
            deps,
            actor,
            AuditAction.DOSSIER_REPORTED,
            dossier=dossier,
            categorie=category.value,
            wijkteam=team.code,
            meldingsdatum=meldingsdatum,
        )
        audit(
            session,
            deps,
            None,
            AuditAction.DOSSIER_ROUTED,
            dossier=dossier,
            naar=routed.decision.assignee_id,
            reden=routed.decision.reason.value,
        )
        deadlines = await sync_dossier_deadlines(session, deps, dossier, actor, creating=True)
        await schedule_pickup_escalation(session, deps, dossier=dossier, fresh=True)
    running = [d for d in deadlines if d.status == DeadlineStatus.LOPEND and d.due_date is not None]
    first = min(running, key=lambda d: d.due_date or date.max, default=None)
    return MeldingResult(dossier, routed, first, team, actor)


async def create_vraag(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    *,
    text: str,
    topic: VraagTopic = VraagTopic.SCHULDEN,
    wijkteam: str | None = None,
) -> VraagResult:
    """Register a schuldvraag, start the answer deadline and route it."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.SUBMIT_VRAAG)
        team = await _team_for(session, actor, wijkteam)
        question = await screened_text(session, deps, text, MAX_QUESTION, required=True)
        year = deps.today().year
        ref = f"VR-{year}-{await next_number(session, f'vraag-{year}'):04d}"
        routed = await route_item(session, deps, team, f"vraag_{topic.value}")
        vraag = Vraag(
            ref=ref,
            topic=topic.value,
            wijkteam_id=team.id,
            asker_id=actor.id,
            assignee_id=routed.decision.assignee_id,
            status=VraagStatus.NIEUW,
            text=question,
            created_at=deps.now(),
        )
        session.add(vraag)
        await session.flush()
        audit(
            session,
            deps,
            actor,
            AuditAction.VRAAG_ASKED,
            vraag=vraag,
            onderwerp=topic.value,
            wijkteam=team.code,
        )
        audit(
            session,
            deps,
            None,
            AuditAction.VRAAG_ROUTED,
            vraag=vraag,
            naar=routed.decision.assignee_id,
            reden=routed.decision.reason.value,
        )
        deadline = None
        due = vraag_due(deps.config, deps.calendar, deps.today())
        if due is not None:
            deadline = await start_vraag_deadline(session, deps, vraag, *due)
        await schedule_pickup_escalation(session, deps, vraag=vraag, fresh=True)
    return VraagResult(vraag, routed, deadline, team, actor)
