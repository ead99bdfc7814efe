"""Time per message of the personal-data screening, over the test corpus (goal: at most 2 ms per
message). Three cases, interleaved over 7 rounds in one process (each round starts with another
case); prints median and spread over the rounds:

- every corpus line screened once (the round's median per line; p99 and the slowest line over all
  rounds are printed too),
- a vraag of the maximum length (1,000 characters; the round's median of 10 runs),
- 2,000 characters of digit groups, the costliest shape for the number check (one run a round).

    .venv/bin/python -m tests.benchmarks.bench_privacy
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bot.privacy import screen

CORPUS = Path(__file__).resolve().parent.parent / "privacy_corpus"
ROUNDS = 7
GOAL_MS = 2.0


def _ms(text: str) -> float:
    start = time.perf_counter()
    screen(text)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    lines = [
        line
        for name in ("refuse.txt", "pass.txt", "probe_refuse.txt", "probe_pass.txt")
        for line in (CORPUS / name).read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    long_text = " ".join(lines[:40])[:1000]  # a vraag of the maximum length
    worst = "1 " * 1000  # the longest answer made of digit groups
    screen(lines[0])  # warm the compiled patterns
    every_line: list[float] = []

    def corpus() -> float:
        times = [_ms(line) for line in lines]
        every_line.extend(times)
        return statistics.median(times)

    cases: dict[str, Callable[[], float]] = {
        "per message (corpus line)": corpus,
        "1000-character text": lambda: statistics.median(_ms(long_text) for _ in range(10)),
        "2000 characters of digit groups": lambda: _ms(worst),
    }
    rounds: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for round_ in range(ROUNDS):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            rounds[name].append(cases[name]())
    every_line.sort()
    print(f"corpus: {len(lines)} lines; {ROUNDS} rounds interleaved")
    for name, values in rounds.items():
        print(
            f"  {name:32} median {statistics.median(values):7.3f} ms  "
            f"(spread {min(values):.3f}-{max(values):.3f})"
        )
    p99 = every_line[int(0.99 * len(every_line))]
    print(f"  every corpus line, all rounds:   p99 {p99:.3f} ms, slowest {every_line[-1]:.3f} ms")
    for name, values in rounds.items():
        median = statistics.median(values)
        print(f"  goal <= {GOAL_MS} ms, {name}: {'met' if median <= GOAL_MS else 'missed'} ({median:.3f} ms)")


if __name__ == "__main__":
    main()
