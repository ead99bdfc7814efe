"""Generate a national-scale dataset: N dossiers (default 1,000,000) over five years with realistic
clocks and milestone dates, straight into a migrated database (SQLite file or PostgreSQL URL; a
plain sqlite:/// or postgresql:// URL will do, as will one naming its async driver). The file or
database must not hold dossiers yet.

    .venv/bin/python -m tests.benchmarks.generate sqlite:////tmp/groot.db [N]
    .venv/bin/python -m tests.benchmarks.generate postgresql://postgres@127.0.0.1:5432/shb_bench [N]
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.config import load_config
from bot.db import create_engine, create_sessionmaker, upgrade
from bot.models import Dossier
from bot.norms import decided_on
from bot.services.common import Deps
from bot.services.users import sync_wijkteams

FIRST, LAST = date(2022, 1, 1), date(2026, 11, 27)
AS_OF = LAST
CATEGORIES = [
    ("vroegsignalering", 0.5),
    ("nieuwe_aanmelding", 0.25),
    ("aanmelding_derden", 0.15),
    ("bedreigende_situatie", 0.10),
]
WORKERS = 20


def _decided(
    status: str, due: date, met: date | None, start: date, closed_at: datetime | None
) -> date | None:
    """The decision day by the services' own rule (bot.norms.decided_on); a lapsed one on its closing."""
    if status == "vervallen":
        return closed_at.date() if closed_at else None
    return decided_on(due, met, start)


def clocks_for(config, category: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        code
        for code, n in config.active_norms.items()
        if n.start == "melding" and n.termijn and n.applies_to(category)
    ]  # type: ignore[arg-type]


def rows(n: int, seed: int = 42):  # type: ignore[no-untyped-def]
    """Yield (dossier, [deadlines], [milestones]) tuples, deterministic for a seed."""
    config = load_config()
    calendar = Deps.from_config(config).calendar
    rnd = random.Random(seed)
    span = (LAST - FIRST).days
    names, weights = zip(*CATEGORIES, strict=True)
    per_category = {c: clocks_for(config, c) for c in names}
    now = datetime(2026, 11, 27, 9, tzinfo=UTC)
    for i in range(1, n + 1):
        category = rnd.choices(names, weights)[0]
        start = FIRST + timedelta(days=rnd.randrange(span))
        age = (AS_OF - start).days
        closed = age > 90 or rnd.random() < age / 120
        worker = 2 + rnd.randrange(WORKERS)
        deadlines = []
        for code in per_category[category]:
            norm = config.normen[code]
            due = calendar.due_date(start, norm.termijn, norm.eenheid)
            term_days = (due - start).days
            lead = int(rnd.gammavariate(4.0, term_days / 4.6)) + 1  # most within the term, a tail beyond
            met = start + timedelta(days=lead)
            if met > AS_OF or (not closed and rnd.random() < 0.4):
                met = None
            status = "gestopt" if met else ("vervallen" if closed else "lopend")
            deadlines.append((code, start, due, met, status))
        milestones = []
        if closed and category == "nieuwe_aanmelding" and rnd.random() < 0.15:
            end = start + timedelta(days=rnd.randrange(30, 900))
            if end <= AS_OF:
                milestones.append(("einde_budgetbeheer", end, rnd.random() < 0.55))
        created = datetime.combine(start, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
        closed_at = created + timedelta(days=min(age, 60)) if closed else None
        dossier = (
            i,
            f"SH-{start.year}-{i:07d}",
            category,
            1 + i % 3,
            start,
            1,
            worker,
            "afgesloten" if closed else "opgepakt",
            created,
            closed_at,
        )
        yield dossier, deadlines, milestones
    del now


async def prepare(url: str) -> int:
    """Migrate the database and add the wijkteams; the number of dossiers it already holds."""
    engine = create_engine(url)
    await upgrade(engine)
    async with create_sessionmaker(engine)() as session:
        await sync_wijkteams(session, load_config())
        existing = int(await session.scalar(select(func.count()).select_from(Dossier)) or 0)
    await engine.dispose()
    return existing


def fill_sqlite(path: str, n: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    now = "2026-11-27 09:00:00.000000"
    conn.executemany(
        "INSERT INTO users (id, telegram_id, role, beheerder, display_name, language, active, unreachable, created_at) "
        "VALUES (?, ?, ?, 0, ?, 'nl', 1, 0, ?)",
        [
            (u, 10_000 + u, "klantmanager" if u > 1 else "partner", f"Medewerker {u}", now)
            for u in range(1, WORKERS + 2)
        ],
    )
    d_batch, c_batch, m_batch = [], [], []
    clock_id = 0

    def flush() -> None:
        conn.executemany(
            "INSERT INTO dossiers (id, ref, category, wijkteam_id, meldingsdatum, created_by_id, assignee_id, "
            "status, created_at, closed_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            d_batch,
        )
        conn.executemany(
            "INSERT INTO deadlines (id, dossier_id, norm, seq, start_date, due_date, met_date, lead_days, status, "
            "updated_at, opened_on, decided_on) VALUES (?,?,?,0,?,?,?,?,?,?,?,?)",
            c_batch,
        )
        conn.executemany(
            "INSERT INTO milestones (dossier_id, kind, day, self_reliant, recorded_at) VALUES (?,?,?,?,?)",
            m_batch,
        )
        d_batch.clear(), c_batch.clear(), m_batch.clear()

    def ts(value: datetime | None) -> str | None:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if value else None

    for dossier, deadlines, milestones in rows(n):
        i, ref, category, team, start, creator, worker, status, created, closed_at = dossier
        d_batch.append(
            (i, ref, category, team, start.isoformat(), creator, worker, status, ts(created), ts(closed_at))
        )
        for code, s, due, met, st in deadlines:
            clock_id += 1
            c_batch.append(
                (
                    clock_id,
                    i,
                    code,
                    s.isoformat(),
                    due.isoformat(),
                    met.isoformat() if met else None,
                    (met - s).days if met else None,
                    st,
                    now,
                    s.isoformat(),
                    _decided(st, due, met, s, closed_at).isoformat()
                    if _decided(st, due, met, s, closed_at)
                    else None,
                )
            )
        for kind, day, reliant in milestones:
            m_batch.append((i, kind, day.isoformat(), int(reliant), now))
        if len(d_batch) >= 50_000:
            flush()
    flush()
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


async def fill_postgres(url: str, n: int) -> None:
    import asyncpg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(plain)
    now = datetime(2026, 11, 27, 9, tzinfo=UTC)
    await conn.copy_records_to_table(
        "users",
        columns=[
            "id",
            "telegram_id",
            "role",
            "beheerder",
            "display_name",
            "language",
            "active",
            "unreachable",
            "created_at",
        ],
        records=[
            (
                u,
                10_000 + u,
                "klantmanager" if u > 1 else "partner",
                False,
                f"Medewerker {u}",
                "nl",
                True,
                False,
                now,
            )
            for u in range(1, WORKERS + 2)
        ],
    )
    d_batch, c_batch, m_batch = [], [], []
    clock_id = 0

    async def flush() -> None:
        await conn.copy_records_to_table(
            "dossiers",
            columns=[
                "id",
                "ref",
                "category",
                "wijkteam_id",
                "meldingsdatum",
                "created_by_id",
                "assignee_id",
                "status",
                "created_at",
                "closed_at",
            ],
            records=d_batch,
        )
        await conn.copy_records_to_table(
            "deadlines",
            columns=[
                "id",
                "dossier_id",
                "norm",
                "seq",
                "start_date",
                "due_date",
                "met_date",
                "lead_days",
                "status",
                "updated_at",
                "opened_on",
                "decided_on",
            ],
            records=c_batch,
        )
        await conn.copy_records_to_table(
            "milestones",
            columns=["dossier_id", "kind", "day", "self_reliant", "recorded_at"],
            records=m_batch,
        )
        d_batch.clear(), c_batch.clear(), m_batch.clear()

    for dossier, deadlines, milestones in rows(n):
        d_batch.append(dossier)
        for code, s, due, met, st in deadlines:
            clock_id += 1
            c_batch.append(
                (
                    clock_id,
                    dossier[0],
                    code,
                    0,
                    s,
                    due,
                    met,
                    (met - s).days if met else None,
                    st,
                    now,
                    s,
                    _decided(st, due, met, s, dossier[-1]),
                )
            )
        for kind, day, reliant in milestones:
            m_batch.append((dossier[0], kind, day, reliant, now))
        if len(d_batch) >= 50_000:
            await flush()
    await flush()
    for table in ("users", "dossiers", "deadlines", "milestones"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    await conn.close()
    vacuum = await asyncpg.connect(plain)  # index-only scans need the visibility map
    await vacuum.execute("VACUUM ANALYZE")
    await vacuum.close()


def main(url: str, n: int) -> None:
    from bot.settings import Settings

    url = Settings(database_url=url).database_url  # sqlite:/// and postgresql:// get their async drivers
    started = time.perf_counter()
    parsed = make_url(url)
    if asyncio.run(prepare(url)):
        raise SystemExit(
            f"{parsed.render_as_string()} already holds dossiers: generate into a new file or an empty database"
        )
    if parsed.get_backend_name() == "sqlite":
        fill_sqlite(parsed.database or "", n)
    else:
        asyncio.run(fill_postgres(url, n))
    print(
        f"generated {n:,} dossiers in {time.perf_counter() - started:.0f} s into {parsed.get_backend_name()}"
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
