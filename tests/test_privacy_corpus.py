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


def test_the_second_corpus_written_to_find_gaps() -> None:
    """A second corpus (probe_*.txt), written by an independent probe to find gaps; the fixes were
    made against it, so it is a regression test, not an independent measure. Known gaps (6):
    digit words in pairs ('twaalf, vierendertig'), a number written out after a street, a typo in
    'geboren', a date of birth in words, a lower-case name after 'mevrouw', initials without dots."""
    missed = [line for line in _lines("probe_refuse.txt") if screen(line, ALLOWED).ok]
    assert len(missed) <= 6, missed
    lines = _lines("probe_pass.txt")
    refused = [line for line in lines if not screen(line, ALLOWED).ok]
    assert len(refused) <= 0.02 * len(lines), refused
