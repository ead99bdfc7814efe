"""Which milestone fits a dossier's state: prerequisites as data, plain Python."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.vocabulary import DERIVED, FINANCIELE_RUST_CRITERIA, REPEATABLE, Milestone

M = Milestone

# Each milestone needs all of these first (and may not be dated before them).
REQUIRES: dict[Milestone, tuple[Milestone, ...]] = {
    M.CONTACTPOGING: (M.OPGEPAKT,),
    M.EERSTE_CONTACT: (M.OPGEPAKT,),
    M.FR_SCHULDEN_STABIEL: (M.EERSTE_CONTACT,),
    M.FR_VASTE_LASTEN: (M.EERSTE_CONTACT,),
    M.FR_SCHULDEISERS: (M.EERSTE_CONTACT,),
    M.PLAN_VAN_AANPAK: (M.EERSTE_CONTACT,),
    M.STABILISATIE: (M.FINANCIELE_RUST, M.PLAN_VAN_AANPAK),
    M.START_SCHULDREGELING: (M.STABILISATIE,),
    M.MINNELIJKE_REGELING: (M.START_SCHULDREGELING,),
    M.EINDE_SCHULDREGELING: (M.MINNELIJKE_REGELING,),
    M.START_BUDGETBEHEER: (M.STABILISATIE,),
    M.TOETS: (M.START_BUDGETBEHEER,),
    M.EINDE_BUDGETBEHEER: (M.START_BUDGETBEHEER,),
    M.START_BUDGETCOACHING: (M.EERSTE_CONTACT,),
    M.EINDE_BUDGETCOACHING: (M.START_BUDGETCOACHING,),
    M.AANMELDING_WSNP: (M.EERSTE_CONTACT,),
    M.EINDRAPPORTAGE: (),  # needs WSNP or an ended schuldregeling, see _special
    M.AFGESLOTEN: (),
}

# Once this milestone exists, these can no longer be recorded.
ENDS: dict[Milestone, Milestone] = {
    M.TOETS: M.EINDE_BUDGETBEHEER,
    M.START_BUDGETCOACHING: M.EINDE_BUDGETCOACHING,
}

# Outcomes the worker must give with these.
NEEDS_SELF_RELIANT = frozenset({M.TOETS, M.EINDE_BUDGETBEHEER, M.EINDE_BUDGETCOACHING})
NEEDS_CONTACT = frozenset({M.CONTACTPOGING, M.EERSTE_CONTACT})
NEEDS_REASON = frozenset({M.AFGESLOTEN})


def missing_prerequisites(kind: Milestone, facts: Mapping[str, Sequence[date]]) -> list[Milestone]:
    """The milestones still needed before kind can be recorded."""
    if kind is M.EINDRAPPORTAGE:
        if facts.get(M.AANMELDING_WSNP.value) or facts.get(M.EINDE_SCHULDREGELING.value):
            return []
        return [M.AANMELDING_WSNP]
    return [req for req in REQUIRES[kind] if not facts.get(req.value)]


def earliest_date(kind: Milestone, facts: Mapping[str, Sequence[date]]) -> date | None:
    """A milestone cannot be dated before the milestones it builds on. Picking up in the bot is a
    formality, not an event in the trajectory: contact made the day before counts."""
    days = [facts[r.value][0] for r in REQUIRES[kind] if r is not M.OPGEPAKT and facts.get(r.value)]
    return max(days) if days else None


def recordable(facts: Mapping[str, Sequence[date]]) -> list[Milestone]:
    """The milestones a worker can record now, in the order of a trajectory."""
    result: list[Milestone] = []
    for kind in Milestone:
        if kind in DERIVED or kind is M.AFGESLOTEN:
            continue
        if kind not in REPEATABLE and facts.get(kind.value):
            continue
        ended_by = ENDS.get(kind)
        if ended_by is not None and facts.get(ended_by.value):
            continue
        if kind is M.CONTACTPOGING and facts.get(M.EERSTE_CONTACT.value):
            continue
        if not missing_prerequisites(kind, facts):
            result.append(kind)
    return result


def financiele_rust_reached(facts: Mapping[str, Sequence[date]]) -> date | None:
    """The day the last of the three criteria was met, once all three are."""
    days = [facts[c.value][0] for c in FINANCIELE_RUST_CRITERIA if facts.get(c.value)]
    return max(days) if len(days) == len(FINANCIELE_RUST_CRITERIA) else None
