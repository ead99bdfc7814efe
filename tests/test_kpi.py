"""The figures, against a hand-built dataset whose answers are worked out by hand below."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Deadline, Dossier, MilestoneRecord, User, Wijkteam
from bot.periods import parse_quarter, quarter_of, week_of
from bot.services.common import Deps
from bot.services.deadlines import lead_days
from bot.services.kpi import Scope, compute
from bot.vocabulary import Unit
from tests.conftest import FakeClock

D = date
AS_OF = D(2027, 1, 8)  # a Friday


async def build(session: AsyncSession, deps: Deps) -> dict[str, int]:
    teams = {w.code: w.id for w in await session.scalars(select(Wijkteam))}
    now = datetime(2027, 1, 8, 9, tzinfo=UTC)
    karel = User(telegram_id=1, role="klantmanager", display_name="Karel", created_at=now)
    bea = User(telegram_id=2, role="budgetcoach", display_name="Bea", created_at=now)
    session.add_all([karel, bea])
    await session.flush()

    async def dossier(
        ref: str,
        category: str,
        team: str,
        created: date,
        holder: User,
        clocks: list[tuple[str, date, date, date | None, str]],
    ) -> Dossier:
        d = Dossier(
            ref=ref,
            category=category,
            wijkteam_id=teams[team],
            meldingsdatum=created,
            created_by_id=holder.id,
            assignee_id=holder.id,
            status="opgepakt",
            created_at=datetime.combine(created, datetime.min.time(), tzinfo=UTC).replace(hour=10),
        )
        session.add(d)
        await session.flush()
        for norm, start, due, met, status in clocks:
            session.add(
                Deadline(
                    dossier_id=d.id,
                    norm=norm,
                    seq=0,
                    start_date=start,
                    due_date=due,
                    met_date=met,
                    lead_days=lead_days(start, met),
                    status=status,
                    updated_at=now,
                )
            )
        return d

    cal = deps.calendar
    # vroegsignalering, 2 weken
    await dossier(
        "A",
        "vroegsignalering",
        "drunen",
        D(2026, 11, 2),
        karel,
        [("vroegsignalering", D(2026, 11, 2), D(2026, 11, 16), D(2026, 11, 16), "gestopt")],
    )  # on the deadline
    await dossier(
        "B",
        "vroegsignalering",
        "drunen",
        D(2026, 11, 3),
        karel,
        [("vroegsignalering", D(2026, 11, 3), D(2026, 11, 17), D(2026, 11, 18), "gestopt")],
    )  # a day late
    await dossier(
        "C",
        "vroegsignalering",
        "drunen",
        D(2026, 11, 4),
        karel,
        [("vroegsignalering", D(2026, 11, 4), D(2026, 11, 18), None, "lopend")],
    )  # open, past deadline
    await dossier(
        "D",
        "vroegsignalering",
        "drunen",
        D(2026, 12, 28),
        bea,
        [("vroegsignalering", D(2026, 12, 28), D(2027, 1, 11), None, "lopend")],
    )  # open, within term
    await dossier(
        "E",
        "vroegsignalering",
        "drunen",
        D(2026, 9, 14),
        karel,
        [("vroegsignalering", D(2026, 9, 14), D(2026, 9, 28), D(2026, 9, 30), "gestopt")],
    )  # late in Q3
    f_due = cal.due_date(D(2026, 9, 20), 2, Unit.WEKEN)
    assert f_due == D(2026, 10, 5)  # 4 October is a Sunday
    await dossier(
        "F",
        "vroegsignalering",
        "drunen",
        D(2026, 9, 20),
        karel,
        [("vroegsignalering", D(2026, 9, 20), f_due, D(2026, 10, 1), "gestopt")],
    )  # started Q3, met Q4
    await dossier(
        "G",
        "vroegsignalering",
        "drunen",
        D(2026, 11, 1),
        karel,
        [("vroegsignalering", D(2026, 11, 1), D(2026, 11, 16), None, "vervallen")],
    )  # closed first
    # aanmelding derden, 8 werkdagen, with Kerst and Nieuwjaar inside the term
    h_due = cal.due_date(D(2026, 12, 21), 8, Unit.WERKDAGEN)
    i_due = cal.due_date(D(2026, 12, 22), 8, Unit.WERKDAGEN)
    assert (h_due, i_due) == (D(2027, 1, 4), D(2027, 1, 5))
    await dossier(
        "H",
        "aanmelding_derden",
        "vlijmen",
        D(2026, 12, 21),
        bea,
        [("aanmelding_derden", D(2026, 12, 21), h_due, D(2026, 12, 31), "gestopt")],
    )
    await dossier(
        "I",
        "aanmelding_derden",
        "vlijmen",
        D(2026, 12, 22),
        bea,
        [("aanmelding_derden", D(2026, 12, 22), i_due, D(2027, 1, 6), "gestopt")],
    )  # late, in Q1
    # budgetbeheer ended in Q4: two self-reliant, one not
    for ref, reliant in (("J", True), ("K", True), ("L", False)):
        d = await dossier(ref, "nieuwe_aanmelding", "heusden", D(2024, 3, 1), karel, [])
        session.add(
            MilestoneRecord(
                dossier_id=d.id,
                kind="einde_budgetbeheer",
                day=D(2026, 11, 20),
                self_reliant=reliant,
                recorded_at=now,
            )
        )
    await session.commit()
    return {"karel": karel.id, "bea": bea.id, "vlijmen": teams["vlijmen"]}


@pytest.fixture
async def data(session: AsyncSession, sessionmaker, deps: Deps, clock: FakeClock) -> dict[str, int]:  # type: ignore[no-untyped-def]
    clock.set(AS_OF)
    return await build(session, deps)


async def test_quarter_figures_per_norm(session: AsyncSession, deps: Deps, data: dict[str, int]) -> None:
    q4 = await compute(session, deps, parse_quarter("2026-K4"), Scope())
    vs = q4.norms["vroegsignalering"]
    # decided in Q4: A (on time), B (late, on its deadline 17-11), C (open past 18-11), F (met 1-10);
    # not: D (open within term), E (decided 28-9, Q3), G (lapsed)
    assert (vs.decided, vs.on_time, vs.share) == (4, 2, 0.5)
    # lead times of the completed ones: F 11, A 14, B 15 days; nearest rank: median 14, p80 15
    assert (vs.median_days, vs.p80_days) == (14, 15)
    ad = q4.norms["aanmelding_derden"]
    assert (ad.decided, ad.on_time, ad.median_days) == (1, 1, 10)  # H; I was decided on 5-1-2027
    assert q4.as_of == AS_OF


async def test_quarter_boundary_and_late_completion(
    session: AsyncSession, deps: Deps, data: dict[str, int]
) -> None:
    q3 = await compute(session, deps, parse_quarter("2026-K3"), Scope())
    assert (q3.norms["vroegsignalering"].decided, q3.norms["vroegsignalering"].on_time) == (1, 0)  # E
    q1 = await compute(session, deps, parse_quarter("2027-K1"), Scope())
    assert (q1.norms["aanmelding_derden"].decided, q1.norms["aanmelding_derden"].on_time) == (1, 0)  # I
    assert "vroegsignalering" not in q1.norms  # D is still within its term on 8-1-2027


async def test_new_items_open_overdue_and_self_reliance(
    session: AsyncSession, deps: Deps, data: dict[str, int]
) -> None:
    q4 = await compute(session, deps, parse_quarter("2026-K4"), Scope())
    assert q4.new_meldingen == [("aanmelding_derden", "vlijmen", 2), ("vroegsignalering", "drunen", 5)]
    assert q4.open_dossiers == 12
    assert [(o.ref, o.due, o.holder, o.working_days) for o in q4.overdue] == [
        ("C", D(2026, 11, 18), "Karel", 35)
    ]
    assert (q4.budgetbeheer_ended, q4.budgetbeheer_self_reliant) == (3, 2)
    assert q4.self_reliance == pytest.approx(2 / 3)


async def test_scopes(session: AsyncSession, deps: Deps, data: dict[str, int]) -> None:
    q4 = parse_quarter("2026-K4")
    vlijmen = await compute(session, deps, q4, Scope(wijkteam_id=data["vlijmen"]))
    assert set(vlijmen.norms) == {"aanmelding_derden"} and vlijmen.overdue == []
    bea = await compute(session, deps, q4, Scope(holder_id=data["bea"]))
    assert set(bea.norms) == {"aanmelding_derden"} and bea.open_dossiers == 3


def test_periods() -> None:
    assert (parse_quarter("2026-K3").start, parse_quarter("2026-K3").end) == (D(2026, 7, 1), D(2026, 9, 30))
    assert parse_quarter("2026q4").end == D(2026, 12, 31)
    assert quarter_of(D(2027, 2, 14)).label == "2027-K1"
    assert (week_of(D(2026, 12, 2)).start, week_of(D(2026, 12, 2)).label) == (D(2026, 11, 30), "2026-W49")


async def test_status_text_marks_targets(session: AsyncSession, deps: Deps, data: dict[str, int]) -> None:
    from bot.periods import Period
    from handlers.views.status import status_text

    q4 = await compute(session, deps, parse_quarter("2026-K4"), Scope())
    week = await compute(session, deps, Period(D(2026, 11, 16), D(2026, 11, 22), "2026-W47"), Scope())
    week.period = Period(D(2026, 11, 16), D(2026, 11, 22), "2026-W47")
    text = status_text("nl", deps.config, "alle wijkteams", week, q4)
    assert "❌ Vroegsignalering: 1/3 = 33% | 2/4 = 50% (doel 80%)\n" in text
    assert "✅ Aanmelding derden: – | 1/1 = 100% (doel 80%)\n" in text
    assert "✅ Zelfredzaam na budgetbeheer (kwartaal): 2/3 = 67% (doel 50%)" in text
    assert "• <b>C</b> Vroegsignalering – Karel – 35 werkdagen" in text


async def test_quarterly_xlsx_holds_the_figures(
    session: AsyncSession, deps: Deps, data: dict[str, int]
) -> None:
    """A workbook a teamleider opens without help: names, percentages, frozen headers, widths, every
    active norm (also without data), and the running deadlines without a lead time."""
    import io

    from openpyxl import load_workbook

    from bot.reportfiles import to_xlsx
    from bot.services.export import quarterly_sheets

    book = load_workbook(io.BytesIO(to_xlsx(await quarterly_sheets(session, deps, parse_quarter("2026-K4")))))
    assert book.sheetnames == [
        "Normen",
        "Normen per wijkteam",
        "Normen per categorie",
        "Instroom",
        "Zelfredzaamheid",
        "Trajecten per fase",
        "Productie per maand",
        "Signaalpartners",
        "Contactpogingen",
        "Eindresultaten",
        "Uitstroomredenen",
        "Dossiers",
        "Toelichting",
    ]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1])
        assert all(ws.column_dimensions[c.column_letter].width >= min(len(str(c.value)), 60) for c in ws[1])
    sheet = book["Normen"]
    norms = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    with_term = [n.naam for n in deps.config.active_norms.values() if n.termijn is not None]
    assert list(norms) == [*with_term[:6], "Budget- / inkomensbeheer (toetsen)", *with_term[6:]]
    vs = norms["Vroegsignalering"]
    assert [c.value for c in vs[1:]] == [0.8, 4, 2, 0.5, "nee", 14, 15, 0]
    assert (vs[1].number_format, vs[4].number_format) == ("0%", "0%")  # shown as 80% and 50%
    assert [c.value for c in norms["Aanmelding derden"][2:6]] == [1, 1, 1.0, "ja"]
    assert [c.value for c in norms["Wgs: beschikking"][2:6]] == [0, 0, None, None]  # no data, still listed
    per_team = {(r[0], r[1]): r for r in book["Normen per wijkteam"].iter_rows(min_row=2, values_only=True)}
    assert per_team[("Sociaal wijkteam Vlijmen", "Aanmelding derden")][3:5] == (1, 1)
    assert per_team[("Sociaal wijkteam Vlijmen", "Vroegsignalering")][3:5] == (0, 0)
    per_category = {(r[0], r[1]) for r in book["Normen per categorie"].iter_rows(min_row=2, values_only=True)}
    assert ("vroegsignalering (RIS)", "Vroegsignalering") in per_category
    assert ("nieuwe aanmelding", "Vroegsignalering") not in per_category  # does not apply
    header = [c.value for c in book["Dossiers"][1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in book["Dossiers"].iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == set("ABCDEFGHIJKL")  # every dossier still open at some point in the quarter
    assert {"intake.startdatum", "planVanAanpak.datumAfronding", "uitstroom.reden"} <= set(header)
    assert rows["A"]["meldingsdatum"].date() == D(2026, 11, 2)
    assert rows["A"]["Categorie"] == "vroegsignalering (RIS)"
    lead, within = "Doorlooptijd (dagen): Vroegsignalering", "Binnen termijn: Vroegsignalering"
    assert (rows["A"][lead], rows["A"][within]) == (14, "ja")
    assert (rows["C"][lead], rows["C"][within]) == (None, "nee, loopt nog")  # overdue, still open
    assert rows["G"][within] is None  # lapsed
    running = [r for r in rows.values() if r[within] in ("loopt", "nee, loopt nog")]
    assert running and all(r[lead] is None for r in running)  # no lead time while it runs
    assert not any(h in header for h in ("omschrijving", "description", "risNummer", "naam"))
    notes = {r[0]: r[1] for r in book["Toelichting"].iter_rows(min_row=2, values_only=True)}
    assert notes["kolom datumFinancieleRust"].startswith("Geen DDAS-veld")
    assert sum(1 for k in notes if k.startswith("norm ")) == len(deps.config.active_norms)


async def test_the_sql_forms_of_the_deadline_rule_agree_with_the_rule(
    session: AsyncSession, deps: Deps
) -> None:
    """bot.norms.verdict is the rule; the figures and lists use its SQL form. Same answers, row by row."""
    from bot.norms import verdict, within_term
    from bot.services.deadlines import overdue_sql, within_term_sql
    from bot.vocabulary import DeadlineStatus, Verdict

    team = await session.scalar(select(Wijkteam.id))
    now = datetime(2026, 12, 9, 9, tzinfo=UTC)
    holder = User(telegram_id=77, role="klantmanager", display_name="K", created_at=now)
    session.add(holder)
    await session.flush()
    dossier = Dossier(
        ref="Z",
        category="vroegsignalering",
        wijkteam_id=team,
        meldingsdatum=D(2026, 11, 1),
        created_by_id=holder.id,
        status="opgepakt",
        created_at=now,
    )
    session.add(dossier)
    await session.flush()
    today, cases = D(2026, 12, 9), []
    for n, (status, due, met) in enumerate(
        [
            (DeadlineStatus.GESTOPT, D(2026, 12, 9), D(2026, 12, 9)),
            (DeadlineStatus.GESTOPT, D(2026, 12, 9), D(2026, 12, 10)),
            (DeadlineStatus.GESTOPT, D(2026, 12, 9), D(2026, 11, 30)),
            (DeadlineStatus.LOPEND, D(2026, 12, 9), None),
            (DeadlineStatus.LOPEND, D(2026, 12, 8), None),
            (DeadlineStatus.LOPEND, D(2027, 1, 8), None),
            (DeadlineStatus.VERVALLEN, D(2026, 12, 1), None),
        ]
    ):
        row = Deadline(
            dossier_id=dossier.id,
            norm="vroegsignalering",
            seq=n,
            start_date=D(2026, 11, 1),
            due_date=due,
            met_date=met,
            status=status,
            updated_at=now,
        )
        session.add(row)
        cases.append(row)
    await session.flush()
    rows = await session.execute(
        select(Deadline.id, within_term_sql(), overdue_sql(today)).where(Deadline.dossier_id == dossier.id)
    )
    in_sql = {id_: (bool(within), bool(overdue)) for id_, within, overdue in rows}
    for row in cases:
        expected = (
            within_term(row.met_date, row.due_date),
            verdict(row.status, row.due_date, row.met_date, today) is Verdict.VERLOPEN,
        )
        assert in_sql[row.id] == expected, (row.status, row.due_date, row.met_date)
    await session.rollback()
