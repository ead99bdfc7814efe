"""Services against a real database (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ddas import Uitstroomreden
from bot.errors import DomainError, NotAllowed, NotFound
from bot.models import AuditEntry, Deadline, Dossier, Invite, MilestoneRecord, Reminder, User, Vraag
from bot.moments import OVERDUE
from bot.privacy import PrivacyRefused
from bot.services import dossiers, intake, roster, users
from bot.services.common import Deps
from bot.vocabulary import (
    Category,
    ContactWay,
    DeadlineStatus,
    DossierStatus,
    Milestone,
    ReminderStatus,
    Role,
    VraagStatus,
    VraagTopic,
)
from tests.conftest import FakeClock, People, make_user

M = Milestone
WED = date(2026, 12, 2)


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def rostered(session: AsyncSession, deps: Deps, people: People) -> People:
    """Drunen: klantmanager Mon+Wed, budgetcoach Wed; Vlijmen: klantmanager Tue."""
    tl = people.teamleider.telegram_id
    for user, team, weekday in [
        (people.klantmanager, "drunen", 0),
        (people.klantmanager, "drunen", 2),
        (people.budgetcoach, "drunen", 2),
        (people.klantmanager_vlijmen, "vlijmen", 1),
    ]:
        await roster.set_weekly_duty(
            session, deps, tl, wijkteam=team, weekday=weekday, user_id=user.id, on_duty=True
        )
    return people


async def melding(session, deps, people, category=Category.VROEGSIGNALERING, day=WED, **kw):
    return await intake.create_melding(
        session, deps, people.partner.telegram_id, category=category, meldingsdatum=day, **kw
    )


# -- joining ---------------------------------------------------------------------------------


async def test_invite_is_stored_hashed_and_used_once(session: AsyncSession, deps: Deps) -> None:
    result = await users.create_invite(session, deps, role=Role.PARTNER, wijkteam="drunen")
    stored = (await session.scalars(select(Invite))).one()
    assert result.code not in stored.code_hash and stored.code_hash == users.hash_code(result.code)
    user = await users.register(
        session, deps, 555, users.format_code(result.code).lower(), fallback_name="Nieuwe Collega"
    )
    assert (user.role, user.wijkteam.code if user.wijkteam else None) == ("partner", "drunen")
    with pytest.raises(DomainError, match="al gebruikt"):
        await users.register(session, deps, 556, result.code, fallback_name="x")
    assert await count(session, User) == 1


async def test_expired_wrong_and_repeated_registration_are_refused(
    session: AsyncSession, deps: Deps, clock: FakeClock
) -> None:
    result = await users.create_invite(session, deps, role=Role.KLANTMANAGER)
    with pytest.raises(DomainError, match="klopt niet"):
        await users.register(session, deps, 600, "AAAA-BBBB-CCCC", fallback_name="x")
    clock.moment += timedelta(days=7, seconds=1)
    with pytest.raises(DomainError, match="verlopen"):
        await users.register(session, deps, 600, result.code, fallback_name="x")
    fresh = await users.create_invite(session, deps, role=Role.KLANTMANAGER)
    await users.register(session, deps, 600, fresh.code, fallback_name="x")
    again = await users.create_invite(session, deps, role=Role.KLANTMANAGER)
    with pytest.raises(DomainError, match="al geregistreerd"):
        await users.register(session, deps, 600, again.code, fallback_name="x")
    assert await count(session, User) == 1


async def test_partner_invite_needs_a_known_wijkteam(session: AsyncSession, deps: Deps) -> None:
    with pytest.raises(DomainError, match="wijkteam"):
        await users.create_invite(session, deps, role=Role.PARTNER)
    with pytest.raises(DomainError, match="Wijkteam 'atlantis' bestaat niet"):
        await users.create_invite(session, deps, role=Role.PARTNER, wijkteam="atlantis")
    assert await count(session, Invite) == 0


async def test_only_a_beheerder_invites_in_the_bot(session: AsyncSession, deps: Deps, people: People) -> None:
    with pytest.raises(NotAllowed):
        await users.create_invite(
            session,
            deps,
            role=Role.PARTNER,
            wijkteam="drunen",
            actor_telegram_id=people.teamleider.telegram_id,
        )
    await users.create_invite(
        session, deps, role=Role.PARTNER, wijkteam="drunen", actor_telegram_id=people.beheerder.telegram_id
    )


async def test_unregistered_and_blocked_accounts_are_refused(
    session: AsyncSession, deps: Deps, people: People
) -> None:
    with pytest.raises(NotAllowed, match="nog niet geregistreerd"):
        await intake.create_vraag(session, deps, 99999, text="Vraag over beslag")
    await users.set_active(session, deps, people.beheerder.telegram_id, people.partner.id, False)
    with pytest.raises(NotAllowed, match="geblokkeerd"):
        await intake.create_vraag(session, deps, people.partner.telegram_id, text="Vraag")


async def test_language_switch(session: AsyncSession, deps: Deps, people: People) -> None:
    user = await users.set_language(session, deps, people.partner.telegram_id, "en")
    assert user.language == "en"
    with pytest.raises(DomainError):
        await users.set_language(session, deps, people.partner.telegram_id, "de")


# -- meldingen ---------------------------------------------------------------------------------


async def test_open_load_of_some_workers_is_their_part_of_everyones(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    """Routing asks the open workload of its candidates only; it is exactly their part of the
    count over everyone (open dossiers and unanswered vragen, closed ones not counted)."""
    for _ in range(3):
        await melding(session, deps, rostered)
    await intake.create_vraag(session, deps, rostered.partner.telegram_id, text="Hoe werkt beslagvrije voet?")
    everyone = await intake.open_load(session)
    assert sum(everyone.values()) == 4
    km, bc = rostered.klantmanager.id, rostered.budgetcoach.id
    assert await intake.open_load(session, [km]) == {k: n for k, n in everyone.items() if k == km}
    assert await intake.open_load(session, [km, bc]) == {k: n for k, n in everyone.items() if k in (km, bc)}
    assert await intake.open_load(session, []) == {}


async def test_melding_opens_dossier_starts_clocks_and_routes(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    result = await melding(session, deps, rostered, ris_nummer="RIS-2026-118", description="Huurachterstand")
    d = result.dossier
    assert (d.ref, d.category, d.status, d.ris_nummer) == (
        "SH-2026-0001",
        "vroegsignalering",
        "nieuw",
        "RIS-2026-118",
    )
    assert result.routed.assignee is not None and result.routed.assignee.id == rostered.klantmanager.id
    assert not result.routed.teamleiders
    assert result.first_deadline is not None
    assert (result.first_deadline.norm, result.first_deadline.due_date) == (
        "vroegsignalering",
        date(2026, 12, 16),
    )
    clocks = {(c.norm, c.due_date, c.status) for c in await session.scalars(select(Deadline))}
    assert clocks == {
        ("vroegsignalering", date(2026, 12, 16), DeadlineStatus.LOPEND),
        ("stabilisatie", date(2027, 1, 6), DeadlineStatus.LOPEND),
        ("rust_ris", date(2027, 1, 6), DeadlineStatus.LOPEND),
    }
    reminders = list(await session.scalars(select(Reminder).order_by(Reminder.due_at)))
    assert all(r.status == ReminderStatus.GEPLAND for r in reminders)
    kinds = sorted((r.kind, r.audience, r.offset_days) for r in reminders)
    assert kinds == sorted(
        [("termijn", "houder", n) for n in (3, 1, 0, -1)] * 2
        + [("termijn", "teamleider", -1)] * 2
        + [("oppakken", "houder", 1), ("oppakken", "teamleider", 2)]
    )
    pickup = {r.offset_days: r.due_at for r in reminders if r.kind == "oppakken"}
    # 4 and 8 office hours after Wednesday 10:00 (Amsterdam): 14:00, and Thursday 09:00
    assert pickup == {1: datetime(2026, 12, 2, 13, 0, tzinfo=UTC), 2: datetime(2026, 12, 3, 8, 0, tzinfo=UTC)}
    actions = [a for (a,) in await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
    assert "dossier.gemeld" in actions and "dossier.gerouteerd" in actions
    assert actions.count("klok.gestart") == 3
    second = await melding(session, deps, rostered, category=Category.NIEUWE_AANMELDING)
    assert second.dossier.ref == "SH-2026-0002"


async def test_budget_question_goes_to_the_budgetcoach(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    result = await intake.create_vraag(
        session,
        deps,
        rostered.partner.telegram_id,
        text="Mag de inwoner een betalingsregeling weigeren?",
        topic=VraagTopic.BUDGET,
    )
    assert result.routed.assignee is not None and result.routed.assignee.id == rostered.budgetcoach.id
    assert result.vraag.ref == "VR-2026-0001"
    assert result.deadline is not None and result.deadline.due_date == date(2026, 12, 4)


async def test_weekend_melding_goes_to_monday_and_tells_the_teamleider(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    clock.set(date(2026, 12, 5))  # Saturday
    result = await melding(
        session, deps, rostered, category=Category.BEDREIGENDE_SITUATIE, day=date(2026, 12, 5)
    )
    decision = result.routed.decision
    assert (decision.assignee_id, decision.day) == (rostered.klantmanager.id, date(2026, 12, 7))
    assert [u.id for u in result.routed.teamleiders] == [rostered.teamleider.id]


async def test_absent_worker_is_skipped(session: AsyncSession, deps: Deps, rostered: People) -> None:
    await roster.register_absence(
        session, deps, rostered.klantmanager.telegram_id, first_day=WED, last_day=WED
    )
    result = await melding(session, deps, rostered)
    assert result.routed.assignee is not None and result.routed.assignee.id == rostered.budgetcoach.id


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"day": WED + timedelta(days=1)}, "toekomst"),
        ({"day": WED - timedelta(days=400)}, "meer dan een jaar"),
        ({"wijkteam": "atlantis"}, "bestaat niet"),
        ({"category": Category.NIEUWE_AANMELDING, "ris_nummer": "123"}, "alleen bij vroegsignalering"),
        ({"ris_nummer": "RIS 12; DROP"}, "RIS-nummer bestaat uit"),
        ({"description": "bsn 111222333"}, "BSN"),
        ({"description": "x" * 501}, "te lang"),
    ],
)
async def test_bad_melding_changes_nothing(
    session: AsyncSession, deps: Deps, rostered: People, kwargs: dict, message: str
) -> None:
    before = {m: await count(session, m) for m in (Dossier, Deadline, Reminder, AuditEntry)}
    with pytest.raises(DomainError, match=message):
        await melding(session, deps, rostered, **kwargs)
    assert {m: await count(session, m) for m in before} == before
    # the reference counter was not advanced either
    ok = await melding(session, deps, rostered)
    assert ok.dossier.ref == "SH-2026-0001"


async def test_refused_text_is_stored_nowhere(session: AsyncSession, deps: Deps, rostered: People) -> None:
    with pytest.raises(PrivacyRefused):
        await intake.create_vraag(
            session, deps, rostered.partner.telegram_id, text="Inwoner bereikbaar op 06-12345678"
        )
    assert await count(session, Vraag) == 0
    details = [d for (d,) in await session.execute(select(AuditEntry.details))]
    assert "06-12345678" not in repr(details)


async def test_a_beheerder_cannot_submit_and_a_partner_cannot_handle(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    with pytest.raises(NotAllowed):
        await melding(session, deps, People(**{**rostered.__dict__, "partner": rostered.beheerder}))
    result = await melding(session, deps, rostered)
    with pytest.raises(NotAllowed):
        await dossiers.acknowledge(session, deps, rostered.partner.telegram_id, result.dossier.ref)


# -- working on a dossier ------------------------------------------------------------------------


async def test_full_vroegsignalering_trajectory(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    km = rostered.klantmanager.telegram_id
    ref = (await melding(session, deps, rostered)).dossier.ref

    with pytest.raises(DomainError, match="eerst op"):
        await dossiers.record_milestone(session, deps, km, ref, M.CONTACTPOGING, contact_way=ContactWay.BRIEF)
    ack = await dossiers.acknowledge(session, deps, km, ref)
    assert not ack.already
    assert (await dossiers.acknowledge(session, deps, km, ref)).already  # double tap: no change

    clock.set(date(2026, 12, 4))
    await dossiers.record_milestone(
        session, deps, km, ref, M.CONTACTPOGING, contact_way=ContactWay.TELEFOON, reached=False
    )
    clock.set(date(2026, 12, 9))
    rec = await dossiers.record_milestone(
        session, deps, km, ref, M.CONTACTPOGING, contact_way=ContactWay.HUISBEZOEK, reached=True
    )
    assert rec.kinds == [M.CONTACTPOGING, M.EERSTE_CONTACT]
    vs = await session.scalar(select(Deadline).where(Deadline.norm == "vroegsignalering"))
    assert vs is not None and (vs.status, vs.met_date) == (DeadlineStatus.GESTOPT, date(2026, 12, 9))
    left = await session.scalars(select(Reminder.status).where(Reminder.deadline_id == vs.id))
    assert set(left) == {ReminderStatus.GEANNULEERD}

    clock.set(date(2026, 12, 14))
    for kind, day in [(M.FR_SCHULDEN_STABIEL, 10), (M.FR_SCHULDEISERS, 14), (M.PLAN_VAN_AANPAK, 11)]:
        await dossiers.record_milestone(session, deps, km, ref, kind, date(2026, 12, day))
    stab = await session.scalar(select(Deadline).where(Deadline.norm == "stabilisatie"))
    assert stab is not None and stab.status == DeadlineStatus.LOPEND
    rec = await dossiers.record_milestone(session, deps, km, ref, M.FR_VASTE_LASTEN, date(2026, 12, 12))
    assert M.FINANCIELE_RUST in rec.kinds
    assert M.STABILISATIE in rec.kinds  # rust (14-12) and the plan (11-12): stabilisatie on 14-12
    await session.refresh(stab)
    assert (stab.status, stab.met_date) == (DeadlineStatus.GESTOPT, date(2026, 12, 14))

    with pytest.raises(DomainError, match="vanzelf"):  # derived, never entered (late)
        await dossiers.record_milestone(session, deps, km, ref, M.STABILISATIE)
    with pytest.raises(DomainError, match="al vastgelegd"):
        await dossiers.record_milestone(session, deps, km, ref, M.PLAN_VAN_AANPAK)
    with pytest.raises(DomainError, match="Eerst nodig"):
        await dossiers.record_milestone(session, deps, km, ref, M.MINNELIJKE_REGELING)
    with pytest.raises(DomainError, match="vanzelf"):
        await dossiers.record_milestone(session, deps, km, ref, M.FINANCIELE_RUST)

    await dossiers.record_milestone(session, deps, km, ref, M.START_SCHULDREGELING)
    sr = await session.scalar(select(Deadline).where(Deadline.norm == "schuldregeling"))
    assert sr is not None and (sr.start_date, sr.due_date) == (date(2026, 12, 14), date(2027, 4, 13))

    view = await dossiers.get_dossier(session, deps, km, ref)
    assert view.next_reminder is not None and view.next_reminder.deadline_id == sr.id
    assert M.MINNELIJKE_REGELING in view.recordable and M.STABILISATIE not in view.recordable

    closed = await dossiers.close_dossier(session, deps, km, ref, Uitstroomreden.NIET_PASSEND)
    assert closed.dossier.status == DossierStatus.AFGESLOTEN
    await session.refresh(sr)
    assert sr.status == DeadlineStatus.VERVALLEN
    pending = await session.scalar(
        select(func.count()).select_from(Reminder).where(Reminder.status == ReminderStatus.GEPLAND)
    )
    assert pending == 0
    with pytest.raises(DomainError, match="afgesloten"):
        await dossiers.record_milestone(session, deps, km, ref, M.MINNELIJKE_REGELING)


async def test_milestone_before_the_meldingsdatum_is_refused(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    km = rostered.klantmanager.telegram_id
    ref = (await melding(session, deps, rostered, day=date(2026, 11, 30))).dossier.ref
    await dossiers.acknowledge(session, deps, km, ref)
    before = await count(session, MilestoneRecord)
    with pytest.raises(DomainError, match="vóór"):
        await dossiers.record_milestone(
            session, deps, km, ref, M.EERSTE_CONTACT, date(2026, 11, 29), contact_way=ContactWay.TELEFOON
        )
    assert await count(session, MilestoneRecord) == before


async def test_budgetbeheer_toetsen_follow_each_other(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    km = rostered.klantmanager.telegram_id
    ref = (await melding(session, deps, rostered, category=Category.NIEUWE_AANMELDING)).dossier.ref
    await dossiers.acknowledge(session, deps, km, ref)
    await dossiers.record_milestone(session, deps, km, ref, M.EERSTE_CONTACT, contact_way=ContactWay.KANTOOR)
    for kind in (
        M.FR_SCHULDEN_STABIEL,
        M.FR_VASTE_LASTEN,
        M.FR_SCHULDEISERS,
        M.PLAN_VAN_AANPAK,
        M.START_BUDGETBEHEER,
    ):
        await dossiers.record_milestone(session, deps, km, ref, kind)
    toets1 = await session.scalar(select(Deadline).where(Deadline.norm == "budgetbeheer", Deadline.seq == 1))
    assert toets1 is not None and toets1.due_date == date(2027, 6, 2)
    clock.set(date(2027, 5, 20))
    with pytest.raises(DomainError, match="zelfredzaam"):
        await dossiers.record_milestone(session, deps, km, ref, M.TOETS)
    await dossiers.record_milestone(session, deps, km, ref, M.TOETS, self_reliant=False)
    toets2 = await session.scalar(select(Deadline).where(Deadline.norm == "budgetbeheer", Deadline.seq == 2))
    assert toets2 is not None and (toets2.due_date, toets2.status) == (
        date(2027, 12, 2),
        DeadlineStatus.LOPEND,
    )
    clock.set(date(2027, 9, 1))
    await dossiers.record_milestone(session, deps, km, ref, M.EINDE_BUDGETBEHEER, self_reliant=True)
    await session.refresh(toets2)
    assert toets2.status == DeadlineStatus.VERVALLEN
    with pytest.raises(DomainError, match="niet meer"):
        await dossiers.record_milestone(session, deps, km, ref, M.TOETS, self_reliant=True)


async def test_acknowledged_by_someone_else_and_hand_over(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    ref = (await melding(session, deps, rostered)).dossier.ref
    await dossiers.acknowledge(session, deps, rostered.klantmanager.telegram_id, ref)
    with pytest.raises(DomainError, match="al opgepakt door Karel KM"):
        await dossiers.acknowledge(session, deps, rostered.budgetcoach.telegram_id, ref)
    with pytest.raises(DomainError, match="collega van de Kredietbank"):
        await dossiers.hand_over(session, deps, rostered.klantmanager.telegram_id, ref, rostered.partner.id)
    moved = await dossiers.hand_over(
        session, deps, rostered.klantmanager.telegram_id, ref, rostered.budgetcoach.id
    )
    assert (moved.previous and moved.previous.id, moved.new.id) == (
        rostered.klantmanager.id,
        rostered.budgetcoach.id,
    )
    names = [
        c.user.display_name
        for c in await dossiers.colleagues(session, deps, rostered.klantmanager.telegram_id)
    ]
    assert names == ["Bea BC", "Kees KM", "Tineke TL"]


async def test_visibility_follows_role_and_relation(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    ref = (await melding(session, deps, rostered)).dossier.ref
    for who in (rostered.partner, rostered.klantmanager, rostered.budgetcoach, rostered.teamleider):
        assert (await dossiers.get_dossier(session, deps, who.telegram_id, ref)).dossier.ref == ref
    for who in (rostered.partner_vlijmen, rostered.klantmanager_vlijmen, rostered.beheerder):
        with pytest.raises(NotFound, match="die jij mag zien"):
            await dossiers.get_dossier(session, deps, who.telegram_id, ref)
    with pytest.raises(NotFound):
        await dossiers.get_dossier(session, deps, rostered.teamleider.telegram_id, "SH-2026-9999")
    # a worker rostered in Drunen sees Drunen's dossiers
    await roster.set_weekly_duty(
        session,
        deps,
        rostered.teamleider.telegram_id,
        wijkteam="drunen",
        weekday=4,
        user_id=rostered.klantmanager_vlijmen.id,
        on_duty=True,
    )
    await dossiers.get_dossier(session, deps, rostered.klantmanager_vlijmen.telegram_id, ref)


async def test_list_items_per_role(session: AsyncSession, deps: Deps, rostered: People) -> None:
    a = (await melding(session, deps, rostered)).dossier.ref
    b = (await melding(session, deps, rostered, category=Category.AANMELDING_DERDEN)).dossier.ref
    v = (
        await intake.create_vraag(session, deps, rostered.partner.telegram_id, text="Vraag over beslag")
    ).vraag.ref
    mine = await dossiers.list_items(session, deps, rostered.klantmanager.telegram_id)
    assert [(i.ref, i.next_due) for i in mine] == [
        (v, date(2026, 12, 4)),
        (b, date(2026, 12, 14)),
        (a, date(2026, 12, 16)),
    ]
    partner = await dossiers.list_items(session, deps, rostered.partner.telegram_id)
    assert {i.ref for i in partner} == {a, b, v}
    assert await dossiers.list_items(session, deps, rostered.partner_vlijmen.telegram_id) == []
    with pytest.raises(NotAllowed):
        await dossiers.list_items(session, deps, rostered.beheerder.telegram_id)


async def test_vraag_is_answered_once_and_stops_its_clock(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    res = await intake.create_vraag(session, deps, rostered.partner.telegram_id, text="Hoe werkt VISH?")
    ref = res.vraag.ref
    with pytest.raises(NotAllowed):
        await dossiers.answer_vraag(session, deps, rostered.partner.telegram_id, ref, "zelf")
    with pytest.raises(PrivacyRefused):
        await dossiers.answer_vraag(session, deps, rostered.klantmanager.telegram_id, ref, "mail a@b.nl")
    answered = await dossiers.answer_vraag(
        session, deps, rostered.klantmanager.telegram_id, ref, "Via de Verwijsindex; wij melden aan."
    )
    assert answered.asker.id == rostered.partner.id and answered.vraag.status == VraagStatus.BEANTWOORD
    clock_row = await session.scalar(select(Deadline).where(Deadline.vraag_id == answered.vraag.id))
    assert clock_row is not None and (clock_row.status, clock_row.met_date) == (DeadlineStatus.GESTOPT, WED)
    with pytest.raises(DomainError, match="al beantwoord"):
        await dossiers.answer_vraag(session, deps, rostered.klantmanager.telegram_id, ref, "nogmaals")


# -- roster ------------------------------------------------------------------------------------


async def test_roster_rights_and_validation(session: AsyncSession, deps: Deps, rostered: People) -> None:
    with pytest.raises(NotAllowed):
        await roster.set_weekly_duty(
            session,
            deps,
            rostered.klantmanager.telegram_id,
            wijkteam="drunen",
            weekday=1,
            user_id=rostered.klantmanager.id,
            on_duty=True,
        )
    with pytest.raises(DomainError, match="maandag tot en met vrijdag"):
        await roster.set_weekly_duty(
            session,
            deps,
            rostered.beheerder.telegram_id,
            wijkteam="drunen",
            weekday=5,
            user_id=rostered.klantmanager.id,
            on_duty=True,
        )
    with pytest.raises(DomainError, match="staan op het rooster"):
        await roster.set_weekly_duty(
            session,
            deps,
            rostered.beheerder.telegram_id,
            wijkteam="drunen",
            weekday=1,
            user_id=rostered.partner.id,
            on_duty=True,
        )
    with pytest.raises(DomainError, match="verleden"):
        await roster.register_absence(
            session,
            deps,
            rostered.klantmanager.telegram_id,
            first_day=date(2026, 11, 1),
            last_day=date(2026, 11, 2),
        )
    with pytest.raises(NotAllowed):
        await roster.register_absence(
            session, deps, rostered.partner.telegram_id, first_day=WED, last_day=WED
        )
    week = await roster.week_overview(session, deps, rostered.klantmanager.telegram_id)
    assert week.days[0].day == date(2026, 11, 30)
    wednesday = week.days[2]
    assert wednesday.duties == [("drunen", "Bea BC", "budgetcoach"), ("drunen", "Karel KM", "klantmanager")]


async def test_override_for_a_date_routes_to_the_stand_in(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    await roster.set_override(
        session,
        deps,
        rostered.teamleider.telegram_id,
        day=WED,
        wijkteam="drunen",
        user_ids=[rostered.klantmanager_vlijmen.id],
    )
    result = await melding(session, deps, rostered)
    assert (
        result.routed.assignee is not None and result.routed.assignee.id == rostered.klantmanager_vlijmen.id
    )


# -- integrity ---------------------------------------------------------------------------------


async def test_audit_log_is_append_only(session: AsyncSession, deps: Deps, rostered: People) -> None:
    await melding(session, deps, rostered)
    with pytest.raises((DBAPIError, IntegrityError)):
        await session.execute(text("UPDATE audit_log SET action = 'x'"))
    await session.rollback()
    with pytest.raises((DBAPIError, IntegrityError)):
        await session.execute(text("DELETE FROM audit_log"))
    await session.rollback()
    assert await count(session, AuditEntry) > 0


async def test_reminder_rows_are_unique_per_clock_and_moment(
    session: AsyncSession, deps: Deps, rostered: People
) -> None:
    await melding(session, deps, rostered)
    first = (await session.scalars(select(Reminder).limit(1))).one()
    session.add(
        Reminder(
            key=first.key,
            deadline_id=first.deadline_id,
            offset_days=OVERDUE,
            due_at=first.due_at,
            status="gepland",
            created_at=first.created_at,
        )
    )
    with pytest.raises(IntegrityError):
        await session.flush()
    await session.rollback()


async def test_new_user_on_fresh_database_gets_no_rights_by_default(
    session: AsyncSession, deps: Deps
) -> None:
    user = await make_user(session, deps, 7777, "budgetcoach", None, "Nieuw")
    assert not user.beheerder and user.active


async def test_first_contact_before_pick_up_in_the_bot_is_allowed(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    km = rostered.klantmanager.telegram_id
    ref = (await melding(session, deps, rostered, day=date(2026, 11, 30))).dossier.ref
    await dossiers.acknowledge(session, deps, km, ref)  # picked up on 2 December
    rec = await dossiers.record_milestone(
        session, deps, km, ref, M.EERSTE_CONTACT, date(2026, 12, 1), contact_way=ContactWay.TELEFOON
    )
    assert rec.kinds == [M.EERSTE_CONTACT]


async def test_the_criteria_of_financiele_rust_are_recorded_together_or_not_at_all(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    clock.set(date(2026, 12, 2))
    km = rostered.klantmanager.telegram_id
    made = await intake.create_melding(
        session,
        deps,
        rostered.partner.telegram_id,
        category=Category.NIEUWE_AANMELDING,
        meldingsdatum=date(2026, 12, 1),
    )
    ref = made.dossier.ref
    await dossiers.acknowledge(session, deps, km, ref)
    await dossiers.record_milestone(
        session, deps, km, ref, Milestone.EERSTE_CONTACT, contact_way=ContactWay.TELEFOON
    )
    await dossiers.record_criteria(session, deps, km, ref, [Milestone.FR_VASTE_LASTEN])
    before = await session.scalar(select(func.count()).select_from(MilestoneRecord))
    for kinds, fragment in (
        ([], "minstens één"),
        ([Milestone.FR_SCHULDEISERS, Milestone.PLAN_VAN_AANPAK], "minstens één"),  # not a criterion
        ([Milestone.FR_SCHULDEISERS, Milestone.FR_VASTE_LASTEN], "al vastgelegd"),  # one is there already
    ):
        with pytest.raises(DomainError, match=fragment):
            await dossiers.record_criteria(session, deps, km, ref, kinds)
    assert await session.scalar(select(func.count()).select_from(MilestoneRecord)) == before  # nothing stored
    done = await dossiers.record_criteria(
        session, deps, km, ref, [Milestone.FR_SCHULDEN_STABIEL, Milestone.FR_SCHULDEISERS], date(2026, 12, 2)
    )
    assert done.kinds == [Milestone.FR_SCHULDEN_STABIEL, Milestone.FR_SCHULDEISERS, Milestone.FINANCIELE_RUST]


async def test_seen_updates_are_recorded_once_and_forgotten_after_two_days(
    session: AsyncSession, deps: Deps, clock: FakeClock
) -> None:
    from datetime import timedelta

    from bot.services import updates

    assert await updates.first_time(session, deps, 7001) is True
    assert await updates.first_time(session, deps, 7001) is False
    assert await updates.first_time(session, deps, 7002) is True
    clock.moment += timedelta(days=2, minutes=1)
    assert await updates.purge_seen(session, deps) == 2
    assert await updates.first_time(session, deps, 7001) is True  # long gone: Telegram no longer has it
