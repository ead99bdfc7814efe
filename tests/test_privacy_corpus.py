"""The screening measured on a corpus written the way Dutch professionals write: every line with
personal data of an inwoner is refused, at most 2% of ordinary chain lines are (domain layer).
The time per message is measured by tests/benchmarks/bench_privacy.py, not here."""

from __future__ import annotations

from pathlib import Path

from bot.privacy import screen

CORPUS = Path(__file__).parent / "privacy_corpus"
ALLOWED = ["Heusden", "Sociaal wijkteam Drunen", "Sociaal wijkteam Vlijmen", "Karel KM"]


def _lines(name: str) -> list[str]:
    return [line for line in (CORPUS / name).read_text(encoding="utf-8").split("\n") if line.strip()]


def test_the_corpus_is_large_enough() -> None:
    assert len(_lines("refuse.txt")) >= 150 and len(_lines("pass.txt")) >= 150


def test_every_line_with_personal_data_is_refused() -> None:
    missed = [line for line in _lines("refuse.txt") if screen(line, ALLOWED).ok]
    assert not missed, f"{len(missed)} not refused: {missed[:5]}"


def test_at_most_two_percent_of_ordinary_lines_are_refused() -> None:
    lines = _lines("pass.txt")
    refused = [(line, screen(line, ALLOWED).findings) for line in lines if not screen(line, ALLOWED).ok]
    assert len(refused) <= 0.02 * len(lines), refused
