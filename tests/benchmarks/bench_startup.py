"""Start and memory of the real `schuldhulpbot run` command, against the project's Bot API stand-in
served over HTTP in this process (tests/localapi.py), on SQLite in a temporary directory. Three
cases, interleaved over 7 rounds (median and spread printed):

- start on a new database (all migrations first), and start on a database already migrated: the
  time from spawning the process to its first getUpdates, and its RSS (VmRSS from
  /proc/PID/status) once it has been idle for 3 s. Goals: start <= 3 s, idle RSS <= 150 MB.
- `schuldhulpbot --help`: wall time of the whole process. Goal: <= 0.15 s.

Afterwards one more start under `python -X importtime` lists which heavy modules (matplotlib,
openpyxl, alembic's templates, ...) the process imported before its first getUpdates.

    .venv/bin/python -m tests.benchmarks.bench_startup
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import i18n
from handlers.demo.botapi import BotAPI
from tests.localapi import TOKEN, ServedBotAPI, served

ROUNDS = 7
IDLE_S = 3.0
GOAL_START_S, GOAL_RSS_MB, GOAL_HELP_S = 3.0, 150.0, 0.15
COMMAND = str(Path(sys.executable).with_name("schuldhulpbot"))  # the installed console script
HEAVY = ("matplotlib", "openpyxl", "numpy", "PIL", "alembic", "mako", "pygments", "babel.messages", "asyncpg")


@dataclass
class WatchedBotAPI(BotAPI):
    """The stand-in, noting when each getUpdates arrives."""

    polls: list[float] = field(default_factory=list)

    async def call(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            self.polls.append(time.perf_counter())
        return await super().call(token, method, params)


def _env(api: ServedBotAPI, database: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SCHULDHULPBOT_TOKEN": TOKEN,
        "SCHULDHULPBOT_API_BASE_URL": api.url,
        "SCHULDHULPBOT_DATABASE_URL": f"sqlite:///{database}",
        **extra,
    }
    env.pop("SCHULDHULPBOT_CONFIG", None)
    return env


def _rss_mb(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM (the peak) of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def start_once(
    api: ServedBotAPI, watched: WatchedBotAPI, database: Path, log: Path, **extra: str
) -> tuple[float, float, float]:
    """Spawn `schuldhulpbot run`; seconds to its first getUpdates, and its RSS and peak once idle."""
    seen = len(watched.polls)
    with log.open("w") as sink:  # a file, not a pipe: a full pipe would block the bot
        spawned = time.perf_counter()
        proc = subprocess.Popen(
            [COMMAND, "run"],
            env=_env(api, database, **extra),
            cwd=database.parent,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            while len(watched.polls) == seen:
                if proc.poll() is not None or time.perf_counter() - spawned > 60:
                    raise SystemExit(f"the bot did not reach getUpdates:\n{log.read_text()[-3000:]}")
                time.sleep(0.002)
            started = watched.polls[seen] - spawned
            time.sleep(IDLE_S)
            rss, peak = _rss_mb(proc.pid)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return started, rss, peak


def help_once() -> float:
    start = time.perf_counter()
    subprocess.run([COMMAND, "--help"], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _package(name: str) -> str | None:
    return next((h for h in HEAVY if name == h or name.startswith(h + ".")), None)


def heavy_imports(api: ServedBotAPI, watched: WatchedBotAPI, tmp: Path) -> dict[str, tuple[float, str]]:
    """One more start with PYTHONPROFILEIMPORTTIME: per heavy package imported before the first
    getUpdates, its cumulative import time (ms, under the profiler) and the module that first
    imported it."""
    log = tmp / "importtime.log"
    start_once(api, watched, tmp / "importtime.db", log, PYTHONPROFILEIMPORTTIME="1")
    rows = []  # (depth, module, cumulative us), children before their parent as Python prints them
    for line in log.read_text().splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            rows.append((len(match[2]) // 2, match[3], int(match[1])))
    found: dict[str, tuple[float, str]] = {}
    for i, (depth, module, cumulative) in enumerate(rows):
        package = _package(module)
        if package is None:
            continue
        parent = next((m for d, m, _ in rows[i + 1 :] if d < depth), "(a function at run time)")
        if _package(parent) == package:
            continue  # counted in its parent's time
        ms, by = found.get(package, (0.0, parent))
        found[package] = (ms + cumulative / 1000, by)
    return dict(sorted(found.items(), key=lambda item: -item[1][0]))


def spread(values: list[float], unit: str, scale: float = 1.0) -> str:
    return (
        f"median {statistics.median(values) * scale:7.2f} {unit}  "
        f"(spread {min(values) * scale:.2f}-{max(values) * scale:.2f})"
    )


def main() -> None:
    watched = WatchedBotAPI(TOKEN, username="lokaal_bot")
    starts: dict[str, list[float]] = {"new database": [], "migrated database": []}
    rss: dict[str, list[float]] = {name: [] for name in starts}
    peaks: dict[str, list[float]] = {name: [] for name in starts}
    helps: list[float] = []
    with tempfile.TemporaryDirectory() as name, served(watched) as api:
        tmp = Path(name)
        migrated = tmp / "migrated.db"
        start_once(api, watched, migrated, tmp / "warm.log")  # migrate it, and warm the disk cache
        help_once()
        for round_ in range(ROUNDS):
            cases = list(starts) if round_ % 2 == 0 else list(reversed(starts))
            for case in cases:
                database = tmp / f"new-{round_}.db" if case == "new database" else migrated
                started, resident, peak = start_once(api, watched, database, tmp / f"{case}-{round_}.log")
                starts[case].append(started)
                rss[case].append(resident)
                peaks[case].append(peak)
            helps.append(help_once())
        heavy = heavy_imports(api, watched, tmp)
    print(f"schuldhulpbot run on SQLite, {ROUNDS} rounds interleaved; RSS after {IDLE_S:.0f} s idle")
    for case in starts:
        print(f"  start to first getUpdates, {case:17} {spread(starts[case], 's')}")
        print(f"  idle RSS, {case:32} {spread(rss[case], 'MB')}  peak {max(peaks[case]):.1f} MB")
    print(f"  schuldhulpbot --help {'':21} {spread(helps, 's')}")
    start_s = max(statistics.median(v) for v in starts.values())
    rss_mb = max(statistics.median(v) for v in rss.values())
    help_s = statistics.median(helps)
    for what, value, goal, unit in (
        ("start", start_s, GOAL_START_S, "s"),
        ("idle RSS", rss_mb, GOAL_RSS_MB, "MB"),
        ("--help", help_s, GOAL_HELP_S, "s"),
    ):
        print(f"  {what}: {value:.2f} {unit} (goal <= {goal} {unit}): {'met' if value <= goal else 'missed'}")
    compiled = (i18n._PACKAGED / "nl" / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo").is_file()
    print(
        "  message catalogs: "
        + (
            "compiled .mo files"
            if compiled
            else "none compiled (a checkout): each start compiles the .po files"
        )
    )
    print("  heavy imports at start, up to 3 s idle (cumulative under -X importtime; first importer):")
    for package, (ms, by) in heavy.items():
        print(f"    {package:15} {ms:6.0f} ms  via {by}")


if __name__ == "__main__":
    main()
