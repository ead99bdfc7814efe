"""Time per message of the personal-data screening, over the test corpus (goal: at most 2 ms).

.venv/bin/python -m tests.benchmarks.bench_privacy
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot.privacy import screen

CORPUS = Path(__file__).resolve().parent.parent / "privacy_corpus"


def main() -> None:
    lines = [
        line
        for name in ("refuse.txt", "pass.txt", "probe_refuse.txt", "probe_pass.txt")
        for line in (CORPUS / name).read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    long_text = " ".join(lines[:40])[:1000]  # a vraag of the maximum length
    screen(lines[0])  # warm the compiled patterns
    per_line = []
    for line in lines * 5:
        start = time.perf_counter()
        screen(line)
        per_line.append((time.perf_counter() - start) * 1000)
    long_runs = []
    for _ in range(50):
        start = time.perf_counter()
        screen(long_text)
        long_runs.append((time.perf_counter() - start) * 1000)
    per_line.sort()
    print(f"lines: {len(lines)} x5")
    print(
        f"per message: median {statistics.median(per_line):.3f} ms, p99 {per_line[int(0.99 * len(per_line))]:.3f} ms, max {per_line[-1]:.3f} ms"
    )
    print(f"1000-character text: median {statistics.median(long_runs):.3f} ms, max {max(long_runs):.3f} ms")
    worst = "1 " * 1000  # the longest answer made of digit groups: the costliest shape for the number check
    start = time.perf_counter()
    screen(worst)
    print(f"2000 characters of digit groups: {(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
