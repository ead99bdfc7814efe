"""Figures the contract can be judged on: closing never erases a miss, budgetcoaching is met only
with a self-reliant inwoner, a contact attempt stops nothing, and a past quarter's figures do not
change when a dossier is closed or handed over later (domain and service layer, SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AppConfig
from bot.ddas import Eindresultaat, Uitstroomreden
from bot.errors import DomainError
from bot.models import Deadline, Dossier
from bot.norms import first_dates, plan_deadlines
from bot.periods import parse_quarter
from bot.services import dossiers, intake
from bot.services.common import Deps
from bot.services.deadlines import ending
from bot.services.kpi import Scope, compute
from bot.vocabulary import Category, ContactWay, Dagdeel, DeadlineStatus, Milestone
from bot.workcalendar import WorkCalendar
from tests.conftest import FakeClock, People

D = date
M = Milestone


# -- domain --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "day", "today", "expected"),
    [
        (D(2026, 12, 16), D(2026, 12, 17), D(2026, 12, 17), (DeadlineStatus.NIET_GEHAALD, D(2026, 12, 16))),
        (D(2026, 12, 16), D(2027, 2, 1), D(2027, 2, 1), (DeadlineStatus.NIET_GEHAALD, D(2026, 12, 16))),
        (D(2026, 12, 16), D(2026, 12, 16), D(2026, 12, 16), (DeadlineStatus.VERVALLEN, D(2026, 12, 16))),
        (D(2026, 12, 16), D(2026, 12, 4), D(2026, 12, 4), (DeadlineStatus.VERVALLEN, D(2026, 12, 4))),
        # a closing back-dated to within the term, recorded after the due date: the miss stays
        (D(2026, 12, 16), D(2026, 12, 4), D(2027, 1, 8), (DeadlineStatus.NIET_GEHAALD, D(2026, 12, 16))),
        (None, D(2026, 12, 4), D(2026, 12, 4), (DeadlineStatus.VERVALLEN, D(2026, 12, 4))),  # no term
    ],
)
def test_a_deadline_ending_without_its_end_product(
    due: date | None, day: date, today: date, expected: tuple
) -> None:
    assert ending(due, day, today) == expected


def test_a_deadline_opened_after_its_due_date_counts_on_the_day_it_came() -> None:
    from bot.norms import decided_on

    assert decided_on(D(2026, 12, 16), None, D(2026, 12, 2)) == D(2026, 12, 16)
    assert decided_on(D(2026, 12, 16), None, D(2027, 1, 8)) == D(2027, 1, 8)  # created late: not in K4
    assert decided_on(D(2026, 12, 16), D(2026, 12, 10), D(2026, 12, 2)) == D(2026, 12, 10)
    assert decided_on(D(2026, 12, 16), D(2027, 1, 3), D(2026, 12, 2)) == D(2026, 12, 16)  # late
    assert decided_on(D(2027, 6, 1), None, D(2026, 12, 2), missed=D(2027, 2, 3)) == D(2027, 2, 3)
    assert ending(D(2026, 12, 16), D(2027, 1, 8), D(2027, 1, 8), opened=D(2027, 1, 5)) == (
        DeadlineStatus.NIET_GEHAALD,
        D(2027, 1, 5),
    )


@pytest.mark.parametrize(
    ("reliant", "end", "expected_met", "expected_missed"),
    [
        (True, D(2027, 3, 1), D(2027, 3, 1), None),
        (False, D(2027, 3, 1), None, D(2027, 3, 1)),  # within the term: niet gehaald on the end date
        (False, D(2027, 9, 1), None, D(2027, 6, 1)),  # after the due date: decided on the due date
    ],
)
def test_budgetcoaching_is_met_only_with_a_self_reliant_inwoner(
    config: AppConfig, reliant: bool, end: date, expected_met: date | None, expected_missed: date | None
) -> None:
    start = D(2026, 12, 1)
    facts = [
        (M.EERSTE_CONTACT, D(2026, 11, 20)),
        (M.START_BUDGETCOACHING, start),
        (M.EINDE_BUDGETCOACHING, end),
    ]
    if reliant:
        facts.append((M.ZELFREDZAAM, end))
    plans = plan_deadlines(
        config, WorkCalendar(), Category.NIEUWE_AANMELDING, D(2026, 11, 2), first_dates(facts)
    )
    coaching = next(p for p in plans if p.norm == "budgetcoaching")
    assert coaching.due == D(2027, 6, 1)
    assert (coaching.met, coaching.missed) == (expected_met, expected_missed)


# -- services --------------------------------------------------------------------------------------


async def _dossier(session: AsyncSession, deps: Deps, people: People, category: Category, day: date) -> str:
    result = await intake.create_melding(
        session, deps, people.partner.telegram_id, category=category, meldingsdatum=day
    )
    await dossiers.acknowledge(session, deps, people.klantmanager.telegram_id, result.dossier.ref)
    return result.dossier.ref


async def _deadlines(session: AsyncSession, ref: str) -> dict[str, Deadline]:
    dossier = await session.scalar(select(Dossier).where(Dossier.ref == ref))
    assert dossier is not None
    rows = await session.scalars(select(Deadline).where(Deadline.dossier_id == dossier.id, Deadline.seq == 0))
    return {row.norm: row for row in rows}


def _figures(figures: object) -> object:
    return {k: (f.decided, f.on_time, f.lapsed) for k, f in figures.norms.items()}  # type: ignore[attr-defined]


async def test_closing_a_late_dossier_keeps_the_miss_and_the_quarter_stays_the_same(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    clock.set(D(2026, 11, 2))
    late = await _dossier(session, deps, rostered, Category.VROEGSIGNALERING, D(2026, 11, 2))  # due 16-11
    clock.set(D(2027, 1, 8))
    q4 = parse_quarter("2026-K4")
    before = _figures(await compute(session, deps, q4, Scope()))
    assert before["vroegsignalering"] == (1, 0, 0)  # missed on 16 November, still open
    # closed and handed over afterwards: the past quarter is what it was
    await dossiers.hand_over(session, deps, rostered.teamleider.telegram_id, late, rostered.budgetcoach.id)
    await dossiers.close_dossier(
        session, deps, rostered.budgetcoach.telegram_id, late, Eindresultaat.GEEN_CONTACT
    )
    assert _figures(await compute(session, deps, q4, Scope())) == before
    rows = await _deadlines(session, late)
    assert (rows["vroegsignalering"].status, rows["vroegsignalering"].decided_on) == (
        DeadlineStatus.NIET_GEHAALD,
        D(2026, 11, 16),
    )


async def test_a_workers_own_figures_move_with_the_dossier_they_hand_over(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    clock.set(D(2026, 11, 2))
    late = await _dossier(session, deps, rostered, Category.VROEGSIGNALERING, D(2026, 11, 2))  # due 16-11
    clock.set(D(2026, 12, 1))
    q4 = parse_quarter("2026-K4")
    km, bc = Scope(holder_id=rostered.klantmanager.id), Scope(holder_id=rostered.budgetcoach.id)
    assert _figures(await compute(session, deps, q4, km)) == {"vroegsignalering": (1, 0, 0)}
    assert _figures(await compute(session, deps, q4, bc)) == {}
    await dossiers.hand_over(session, deps, rostered.teamleider.telegram_id, late, rostered.budgetcoach.id)
    assert _figures(await compute(session, deps, q4, km)) == {}
    assert _figures(await compute(session, deps, q4, bc)) == {"vroegsignalering": (1, 0, 0)}


async def test_closing_within_the_term_lapses_and_counts_apart(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    clock.set(D(2026, 12, 2))
    ref = await _dossier(session, deps, rostered, Category.VROEGSIGNALERING, D(2026, 12, 2))  # due 16-12
    clock.set(D(2026, 12, 9))
    await dossiers.close_dossier(
        session, deps, rostered.klantmanager.telegram_id, ref, Eindresultaat.WIL_GEEN_HULP
    )
    rows = await _deadlines(session, ref)
    assert (rows["vroegsignalering"].status, rows["vroegsignalering"].decided_on) == (
        DeadlineStatus.VERVALLEN,
        D(2026, 12, 9),
    )
    figures = await compute(session, deps, parse_quarter("2026-K4"), Scope())
    vs = figures.norms["vroegsignalering"]
    assert (vs.decided, vs.on_time, vs.lapsed, vs.share) == (0, 0, 1, None)  # never in the share


async def test_a_closing_back_dated_to_the_due_date_after_it_passed_keeps_the_miss(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    """Recorded after the due date, a closing dated on (or before) it cannot erase the miss that
    was already counted."""
    clock.set(D(2026, 12, 2))
    ref = await _dossier(session, deps, rostered, Category.VROEGSIGNALERING, D(2026, 12, 2))
    clock.set(D(2026, 12, 18))
    await dossiers.close_dossier(
        session, deps, rostered.klantmanager.telegram_id, ref, Eindresultaat.WIL_GEEN_HULP, D(2026, 12, 16)
    )
    assert (await _deadlines(session, ref))["vroegsignalering"].status == DeadlineStatus.NIET_GEHAALD


@pytest.mark.parametrize(
    ("reliant", "expected"),
    [
        (False, (DeadlineStatus.NIET_GEHAALD, None, D(2027, 2, 3), (1, 0))),  # niet gehaald on the end date
        (True, (DeadlineStatus.GESTOPT, D(2027, 2, 3), D(2027, 2, 3), (1, 1))),
    ],
)
async def test_coaching_is_met_only_when_it_ends_self_reliant(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock, reliant: bool, expected: tuple
) -> None:
    km = rostered.klantmanager.telegram_id
    clock.set(D(2026, 12, 2))
    ref = await _dossier(session, deps, rostered, Category.NIEUWE_AANMELDING, D(2026, 12, 2))
    await dossiers.record_milestone(session, deps, km, ref, M.EERSTE_CONTACT, contact_way=ContactWay.KANTOOR)
    await dossiers.record_milestone(session, deps, km, ref, M.START_BUDGETCOACHING)
    clock.set(D(2027, 2, 3))
    recorded = await dossiers.record_milestone(
        session, deps, km, ref, M.EINDE_BUDGETCOACHING, self_reliant=reliant
    )
    assert (M.ZELFREDZAAM in recorded.kinds) is reliant
    coaching = (await _deadlines(session, ref))["budgetcoaching"]
    figures = await compute(session, deps, parse_quarter("2027-K1"), Scope())
    figure = figures.norms["budgetcoaching"]
    assert (
        coaching.status,
        coaching.met_date,
        coaching.decided_on,
        (figure.decided, figure.on_time),
    ) == expected


async def test_attempts_stop_nothing_until_the_inwoner_is_reached(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    km = rostered.klantmanager.telegram_id
    clock.set(D(2026, 12, 2))
    ref = await _dossier(session, deps, rostered, Category.VROEGSIGNALERING, D(2026, 12, 2))
    clock.set(D(2026, 12, 8))
    await dossiers.record_milestone(
        session,
        deps,
        km,
        ref,
        M.CONTACTPOGING,
        D(2026, 12, 3),
        contact_way=ContactWay.BRIEF,
        dagdeel=Dagdeel.OCHTEND,
    )
    await dossiers.record_milestone(
        session,
        deps,
        km,
        ref,
        M.CONTACTPOGING,
        D(2026, 12, 4),
        contact_way=ContactWay.TELEFOON,
        reached=False,
        dagdeel=Dagdeel.AVOND,
    )
    assert (await _deadlines(session, ref))["vroegsignalering"].status == DeadlineStatus.LOPEND
    with pytest.raises(DomainError, match="bereik je de inwoner nog niet"):
        await dossiers.record_milestone(
            session, deps, km, ref, M.EERSTE_CONTACT, contact_way=ContactWay.KAARTJE
        )
    with pytest.raises(DomainError, match="bereik je de inwoner nog niet"):
        await dossiers.record_milestone(
            session, deps, km, ref, M.CONTACTPOGING, contact_way=ContactWay.MAIL, reached=True
        )
    recorded = await dossiers.record_milestone(
        session,
        deps,
        km,
        ref,
        M.CONTACTPOGING,
        D(2026, 12, 7),
        contact_way=ContactWay.TELEFOON,
        reached=True,
        dagdeel=Dagdeel.MIDDAG,
    )
    assert recorded.kinds == [M.CONTACTPOGING, M.EERSTE_CONTACT]
    vs = (await _deadlines(session, ref))["vroegsignalering"]
    assert (vs.status, vs.met_date) == (DeadlineStatus.GESTOPT, D(2026, 12, 7))
    attempts = [
        (m.kind, m.contact_way, m.dagdeel, m.reached)
        for m in recorded.view.milestones
        if m.kind in ("contactpoging", "eerste_contact")
    ]
    assert attempts == [
        ("contactpoging", "brief", "ochtend", False),
        ("contactpoging", "telefoon", "avond", False),
        ("contactpoging", "telefoon", "middag", True),
        ("eerste_contact", "telefoon", "middag", True),
    ]


async def test_the_base_of_the_self_reliance_target_shows_what_still_runs(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    km = rostered.klantmanager.telegram_id
    clock.set(D(2026, 12, 2))
    ref = await _dossier(session, deps, rostered, Category.NIEUWE_AANMELDING, D(2026, 12, 2))
    for kind in (M.FR_SCHULDEN_STABIEL, M.FR_VASTE_LASTEN, M.FR_SCHULDEISERS, M.PLAN_VAN_AANPAK):
        if kind is M.FR_SCHULDEN_STABIEL:
            await dossiers.record_milestone(
                session, deps, km, ref, M.EERSTE_CONTACT, contact_way=ContactWay.HUISBEZOEK
            )
        await dossiers.record_milestone(session, deps, km, ref, kind)
    await dossiers.record_milestone(session, deps, km, ref, M.START_BUDGETBEHEER)
    figures = await compute(session, deps, parse_quarter("2026-K4"), Scope())
    assert (figures.budgetbeheer_ended, figures.budgetbeheer_running) == (0, 1)


# -- the chain in the seed's order ----------------------------------------------------------------


def test_stabilisatie_follows_from_rust_and_the_plan_on_the_later_day() -> None:
    from bot import milestones as rules

    rust = {M.FINANCIELE_RUST.value: [D(2026, 12, 14)], M.EERSTE_CONTACT.value: [D(2026, 12, 1)]}
    steps = rules.steps_for(M.PLAN_VAN_AANPAK, D(2026, 12, 16), {}, rust)
    assert [(s.kind, s.day) for s in steps] == [
        (M.PLAN_VAN_AANPAK, D(2026, 12, 16)),
        (M.STABILISATIE, D(2026, 12, 16)),
    ]
    plan = {
        M.PLAN_VAN_AANPAK.value: [D(2026, 12, 11)],
        M.FR_SCHULDEN_STABIEL.value: [D(2026, 12, 10)],
        M.FR_VASTE_LASTEN.value: [D(2026, 12, 12)],
    }
    steps = rules.steps_for(M.FR_SCHULDEISERS, D(2026, 12, 9), {}, plan)
    assert [(s.kind, s.day) for s in steps][-2:] == [
        (M.FINANCIELE_RUST, D(2026, 12, 12)),
        (M.STABILISATIE, D(2026, 12, 12)),
    ]
    with pytest.raises(DomainError, match="vanzelf"):
        rules.refuse_derived(M.STABILISATIE)


def test_budgetbeheer_may_start_during_stabilisation_and_counts_from_it(config: AppConfig) -> None:
    from bot import milestones as rules

    contact = {M.OPGEPAKT.value: [D(2026, 12, 2)], M.EERSTE_CONTACT.value: [D(2026, 12, 3)]}
    assert M.START_BUDGETBEHEER in rules.recordable(contact, Category.NIEUWE_AANMELDING)
    early = [(M.EERSTE_CONTACT, D(2026, 12, 3)), (M.START_BUDGETBEHEER, D(2026, 12, 4))]
    plans = plan_deadlines(
        config, WorkCalendar(), Category.NIEUWE_AANMELDING, D(2026, 12, 2), first_dates(early)
    )
    assert "budgetbeheer" not in {p.norm for p in plans}  # no stabilisatie yet: nothing to count from
    stable = [*early, (M.STABILISATIE, D(2027, 1, 8))]
    plans = plan_deadlines(
        config, WorkCalendar(), Category.NIEUWE_AANMELDING, D(2026, 12, 2), first_dates(stable)
    )
    beheer = next(p for p in plans if p.norm == "budgetbeheer" and p.seq == 0)
    assert (beheer.start, beheer.due) == (D(2027, 1, 8), D(2030, 1, 8))


@pytest.mark.parametrize(
    ("outcome", "met", "missed"),
    [
        (M.MINNELIJKE_REGELING, D(2027, 3, 1), None),
        (M.SCHULDREGELING_AFGEWEZEN, None, D(2027, 3, 1)),
        (M.SCHULDREGELING_INGETROKKEN, None, D(2027, 3, 1)),
    ],
)
def test_schuldregeling_outcomes(
    config: AppConfig, outcome: Milestone, met: date | None, missed: date | None
) -> None:
    facts = [
        (M.STABILISATIE, D(2027, 1, 4)),
        (M.START_SCHULDREGELING, D(2027, 1, 5)),
        (outcome, D(2027, 3, 1)),
    ]
    plans = plan_deadlines(
        config, WorkCalendar(), Category.NIEUWE_AANMELDING, D(2026, 12, 2), first_dates(facts)
    )
    regeling = next(p for p in plans if p.norm == "schuldregeling")
    assert (regeling.due, regeling.met, regeling.missed) == (D(2027, 5, 4), met, missed)


def test_wsnp_and_dwangakkoord_follow_a_rejected_regeling() -> None:
    from bot import milestones as rules

    started = {
        M.OPGEPAKT.value: [D(2026, 12, 2)],
        M.EERSTE_CONTACT.value: [D(2026, 12, 3)],
        M.STABILISATIE.value: [D(2027, 1, 4)],
        M.START_SCHULDREGELING.value: [D(2027, 1, 5)],
    }
    can = rules.recordable(started, Category.NIEUWE_AANMELDING)
    assert M.AANMELDING_WSNP not in can and M.VERZOEK_DWANGAKKOORD not in can
    assert {M.SCHULDREGELING_INGEDIEND, M.MINNELIJKE_REGELING, M.SCHULDREGELING_AFGEWEZEN} <= set(can)
    rejected = {**started, M.SCHULDREGELING_AFGEWEZEN.value: [D(2027, 3, 1)]}
    can = rules.recordable(rejected, Category.NIEUWE_AANMELDING)
    assert M.AANMELDING_WSNP in can and M.VERZOEK_DWANGAKKOORD in can and M.MINNELIJKE_REGELING not in can


async def test_a_bedreigende_situatie_is_picked_up_fast_and_reminded_the_same_day(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    from bot.models import Reminder
    from bot.vocabulary import ReminderKind

    clock.set(D(2026, 12, 2))  # Wednesday 10:00
    result = await intake.create_melding(
        session,
        deps,
        rostered.partner.telegram_id,
        category=Category.BEDREIGENDE_SITUATIE,
        meldingsdatum=D(2026, 12, 2),
    )
    pickup = await session.execute(
        select(Reminder.audience, Reminder.due_at).where(
            Reminder.dossier_id == result.dossier.id, Reminder.kind == ReminderKind.OPPAKKEN
        )
    )
    local = {a: deps.calendar.local(at).strftime("%d-%m %H:%M") for a, at in pickup}
    assert local == {"houder": "02-12 11:00", "teamleider": "02-12 12:00"}
    wgs = await session.scalar(
        select(Deadline).where(Deadline.dossier_id == result.dossier.id, Deadline.norm == "wgs_bedreigend")
    )
    assert wgs is not None and wgs.due_date == D(2026, 12, 7)
    moments = await session.execute(
        select(Reminder.offset_days, Reminder.due_at).where(
            Reminder.deadline_id == wgs.id, Reminder.audience == "houder"
        )
    )
    days = {o: deps.calendar.local(at).date() for o, at in moments}
    assert days == {
        3: D(2026, 12, 2),
        0: D(2026, 12, 7),
        -1: D(2026, 12, 8),
    }  # the day it came in, the last day


def test_the_wgs_beschikking_runs_from_the_first_gesprek(config: AppConfig) -> None:
    facts = [(M.EERSTE_CONTACT, D(2026, 12, 3))]
    plans = plan_deadlines(
        config, WorkCalendar(), Category.NIEUWE_AANMELDING, D(2026, 12, 2), first_dates(facts)
    )
    beschikking = next(p for p in plans if p.norm == "wgs_beschikking")
    assert (beschikking.start, beschikking.due, beschikking.met) == (D(2026, 12, 3), D(2027, 1, 28), None)
    decided = [*facts, (M.BESCHIKKING, D(2027, 1, 20))]
    plans = plan_deadlines(
        config, WorkCalendar(), Category.NIEUWE_AANMELDING, D(2026, 12, 2), first_dates(decided)
    )
    assert next(p for p in plans if p.norm == "wgs_beschikking").met == D(2027, 1, 20)
    vroeg = plan_deadlines(
        config, WorkCalendar(), Category.VROEGSIGNALERING, D(2026, 12, 2), first_dates(facts)
    )
    assert not {"wgs_beschikking", "wgs_eerste_gesprek"} & {p.norm for p in vroeg}  # the seed's 2 weken judge


@pytest.mark.parametrize(
    ("kind", "known", "day", "fragment"),
    [
        # closing comes after every recorded step
        (
            M.AFGESLOTEN,
            [(M.OPGEPAKT, D(2026, 11, 2)), (M.EERSTE_CONTACT, D(2026, 11, 20))],
            D(2026, 11, 3),
            "vorige stap",
        ),
        # a stale 'contactpoging' after the first contact cannot move it earlier
        (
            M.CONTACTPOGING,
            [(M.OPGEPAKT, D(2026, 11, 2)), (M.EERSTE_CONTACT, D(2026, 11, 25))],
            D(2026, 11, 10),
            "niet meer",
        ),
        (
            M.AANBOD_EERSTE_GESPREK,
            [(M.OPGEPAKT, D(2026, 11, 2)), (M.EERSTE_CONTACT, D(2026, 11, 25))],
            D(2026, 11, 26),
            "niet meer",
        ),
        # budgetbeheer cannot end before stabilisatie (its deadline counts from it)
        (
            M.EINDE_BUDGETBEHEER,
            [(M.EERSTE_CONTACT, D(2026, 10, 1)), (M.START_BUDGETBEHEER, D(2026, 10, 5))],
            D(2026, 10, 20),
            "Eerst nodig: stabilisatie",
        ),
    ],
)
def test_steps_that_would_rewrite_a_figure_are_refused(
    kind: Milestone, known: list, day: date, fragment: str
) -> None:
    from bot import milestones as rules

    with pytest.raises(DomainError) as caught:
        rules.check_recordable(kind, first_dates(known), day, Category.VROEGSIGNALERING)
    assert fragment in caught.value.render("nl")


def test_a_dwangakkoord_leads_on_to_the_end_of_the_schuldregeling() -> None:
    from bot import milestones as rules

    facts = first_dates(
        [
            (M.OPGEPAKT, D(2026, 12, 2)),
            (M.EERSTE_CONTACT, D(2026, 12, 3)),
            (M.STABILISATIE, D(2027, 1, 4)),
            (M.START_SCHULDREGELING, D(2027, 1, 5)),
            (M.SCHULDREGELING_AFGEWEZEN, D(2027, 3, 1)),
            (M.VERZOEK_DWANGAKKOORD, D(2027, 3, 8)),
        ]
    )
    assert M.EINDE_SCHULDREGELING in rules.recordable(facts, Category.NIEUWE_AANMELDING)


async def test_closing_a_dossier_in_budgetbeheer_counts_as_not_self_reliant(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    km = rostered.klantmanager.telegram_id
    clock.set(D(2026, 10, 5))
    ref = await _dossier(session, deps, rostered, Category.NIEUWE_AANMELDING, D(2026, 10, 5))
    await dossiers.record_milestone(session, deps, km, ref, M.EERSTE_CONTACT, contact_way=ContactWay.TELEFOON)
    await dossiers.record_milestone(session, deps, km, ref, M.START_BUDGETBEHEER)  # during stabilisation
    q4 = parse_quarter("2026-K4")
    figures = await compute(session, deps, q4, Scope())
    assert (figures.budgetbeheer_ended, figures.budgetbeheer_running) == (0, 1)
    clock.set(D(2026, 11, 20))
    await dossiers.close_dossier(session, deps, km, ref, Uitstroomreden.INGETROKKEN)
    figures = await compute(session, deps, q4, Scope())
    assert (figures.budgetbeheer_ended, figures.budgetbeheer_self_reliant, figures.budgetbeheer_running) == (
        1,
        0,
        0,
    )
    assert figures.self_reliance == 0.0
