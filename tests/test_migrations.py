"""The migrations build exactly the schema the models describe, and can be rolled back."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import alembic_config, current_revision
from bot.models import Base


async def test_models_match_the_migrated_schema(engine: AsyncEngine) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    assert await current_revision(engine) == "0011"


async def test_downgrade_and_upgrade_again(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the shared PostgreSQL test database stays at head for the other tests")

    def roundtrip(connection):  # type: ignore[no-untyped-def]
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "base")
        command.upgrade(cfg, "head")

    async with engine.begin() as conn:
        await conn.run_sync(roundtrip)
    assert await current_revision(engine) == "0011"


async def test_0004_brings_existing_rows_in_line_with_the_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A dossier closed after its due date keeps its miss; one closed within the term lapses on its
    closing day; coaching ended without self-reliance is niet gehaald; stabilisatie gets the day
    financiële rust and the plan van aanpak both existed; contact ways get their new names."""
    from datetime import date

    from sqlalchemy import text

    from bot.db import create_engine, upgrade

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/old.db")
    await upgrade(engine, "0003")
    now = "2026-12-20 09:00:00"
    async with engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO wijkteams (id, code, naam, actief) VALUES (1, 'drunen', 'Drunen', 1)")
        )
        await conn.execute(
            text(
                "INSERT INTO users (id, telegram_id, role, beheerder, display_name, language, active, unreachable,"
                " created_at) VALUES (1, 11, 'klantmanager', 0, 'K', 'nl', 1, 0, :now)"
            ),
            {"now": now},
        )
        for dossier_id, ref in ((1, "A"), (2, "B"), (3, "C")):
            await conn.execute(
                text(
                    "INSERT INTO dossiers (id, ref, category, wijkteam_id, meldingsdatum, created_by_id, status,"
                    " created_at) VALUES (:id, :ref, 'nieuwe_aanmelding', 1, '2026-11-02', 1, 'afgesloten', :now)"
                ),
                {"id": dossier_id, "ref": ref, "now": now},
            )
        milestones = [
            (1, "afgesloten", "2026-12-10", None, None),  # A closed after its due date (16-11)
            (2, "afgesloten", "2026-11-10", None, None),  # B closed within the term
            (3, "einde_budgetcoaching", "2026-12-01", False, None),
            (3, "financiele_rust", "2026-11-20", None, None),
            (3, "plan_van_aanpak", "2026-11-25", None, None),
            (3, "stabilisatie", "2026-12-15", None, None),  # entered late
            (3, "contactpoging", "2026-11-05", None, "spreekuur"),
        ]
        for dossier_id, kind, day, reliant, way in milestones:
            await conn.execute(
                text(
                    "INSERT INTO milestones (dossier_id, kind, day, self_reliant, contact_way, recorded_at)"
                    " VALUES (:d, :k, :day, :r, :w, :now)"
                ),
                {"d": dossier_id, "k": kind, "day": day, "r": reliant, "w": way, "now": now},
            )
        deadlines = [
            (1, "vroegsignalering", "2026-11-16", None, "vervallen"),
            (2, "vroegsignalering", "2026-11-16", None, "vervallen"),
            (3, "budgetcoaching", "2027-05-03", "2026-12-01", "gestopt"),
        ]
        for dossier_id, norm, due, met, status in deadlines:
            await conn.execute(
                text(
                    "INSERT INTO deadlines (dossier_id, norm, seq, start_date, due_date, met_date, status,"
                    " updated_at) VALUES (:d, :n, 0, '2026-11-02', :due, :met, :s, :now)"
                ),
                {"d": dossier_id, "n": norm, "due": due, "met": met, "s": status, "now": now},
            )
    await upgrade(engine)
    async with engine.connect() as conn:
        rows = {
            (d, n): (s, str(decided), met)
            for d, n, s, decided, met in await conn.execute(
                text("SELECT dossier_id, norm, status, decided_on, met_date FROM deadlines")
            )
        }
        stabilisatie = await conn.scalar(text("SELECT day FROM milestones WHERE kind = 'stabilisatie'"))
        way = await conn.scalar(text("SELECT contact_way FROM milestones WHERE kind = 'contactpoging'"))
    await engine.dispose()
    assert rows[(1, "vroegsignalering")] == ("niet_gehaald", "2026-11-16", None)
    assert rows[(2, "vroegsignalering")] == ("vervallen", "2026-11-10", None)
    assert rows[(3, "budgetcoaching")] == ("niet_gehaald", "2026-12-01", None)
    assert str(stabilisatie) == str(date(2026, 11, 25))
    assert way == "kantoor"


async def test_0007_gives_closed_dossiers_the_ddas_value_of_their_old_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A traject gets the uitstroomreden its close reason stands for; a vroegsignaal that never
    became one gets an eindresultaat only where the old reason is unambiguous; a downgrade puts
    the nearest old reason back."""
    from sqlalchemy import text

    from bot.db import create_engine, upgrade

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/old.db")
    await upgrade(engine, "0006")
    now = "2026-12-20 09:00:00"
    dossiers = [  # id, category, close reason, a traject step
        (1, "nieuwe_aanmelding", "geen_contact", None),
        (2, "vroegsignalering", "hulp_geweigerd", None),
        (3, "vroegsignalering", "doorverwezen", None),
        (4, "vroegsignalering", "verhuisd", "plan_van_aanpak"),
        (5, "bedreigende_situatie", None, None),
    ]
    async with engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO wijkteams (id, code, naam, actief) VALUES (1, 'drunen', 'Drunen', 1)")
        )
        await conn.execute(
            text(
                "INSERT INTO users (id, telegram_id, role, beheerder, display_name, language, active, unreachable,"
                " created_at) VALUES (1, 11, 'klantmanager', 0, 'K', 'nl', 1, 0, :now)"
            ),
            {"now": now},
        )
        for dossier_id, category, reason, step in dossiers:
            await conn.execute(
                text(
                    "INSERT INTO dossiers (id, ref, category, wijkteam_id, meldingsdatum, created_by_id, status,"
                    " created_at, close_reason) VALUES (:id, :ref, :c, 1, '2026-11-02', 1, :s, :now, :r)"
                ),
                {
                    "id": dossier_id,
                    "ref": f"SH-2026-000{dossier_id}",
                    "c": category,
                    "s": "afgesloten" if reason else "opgepakt",
                    "now": now,
                    "r": reason,
                },
            )
            if step:
                await conn.execute(
                    text(
                        "INSERT INTO milestones (dossier_id, kind, day, recorded_at)"
                        " VALUES (:d, :k, '2026-11-20', :now)"
                    ),
                    {"d": dossier_id, "k": step, "now": now},
                )
    await upgrade(engine)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(text("SELECT id, uitstroomreden, eindresultaat FROM dossiers ORDER BY id"))
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, "niet_verschenen", None),
        (2, None, "wil_geen_hulp"),
        (3, None, None),  # 'doorverwezen' could be either kind of referral: left empty
        (4, "verhuisd", None),
        (5, None, None),
    ]

    def down(connection):  # type: ignore[no-untyped-def]
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0006")

    async with engine.begin() as conn:
        await conn.run_sync(down)
    async with engine.connect() as conn:
        back = (await conn.execute(text("SELECT id, close_reason FROM dossiers ORDER BY id"))).all()
    assert [tuple(r) for r in back] == [
        (1, "geen_contact"),
        (2, "hulp_geweigerd"),
        (3, "overig"),
        (4, "verhuisd"),
        (5, None),
    ]
    await engine.dispose()


async def test_two_upgrades_at_once_wait_for_each_other(engine: AsyncEngine) -> None:
    """Two replicas starting together (or `db upgrade` beside `run`): one waits for the other."""
    import asyncio

    from bot.db import upgrade

    await asyncio.gather(upgrade(engine), upgrade(engine))
    assert await current_revision(engine) == "0011"
