"""The milestone rules, plain Python: which milestone fits a dossier's state (prerequisites as
data), what each needs, which ones follow by themselves, and which stop a norm's deadline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.config import NormConfig
from bot.ddas import Eindresultaat, Uitstroomreden
from bot.errors import DomainError, InvalidDate
from bot.i18n import N_, Text
from bot.vocabulary import (
    DERIVED,
    FINANCIELE_RUST_CRITERIA,
    REPEATABLE,
    Beschikking,
    Category,
    ContactWay,
    Dagdeel,
    Milestone,
)

Facts = Mapping[str, Sequence[date]]

M = Milestone

# Each milestone needs all of these first (and may not be dated before them).
REQUIRES: dict[Milestone, tuple[Milestone, ...]] = {
    M.CONTACTPOGING: (M.OPGEPAKT,),
    M.AANBOD_EERSTE_GESPREK: (M.OPGEPAKT,),
    M.EERSTE_CONTACT: (M.OPGEPAKT,),
    M.BESCHIKKING: (M.EERSTE_CONTACT,),
    M.FR_SCHULDEN_STABIEL: (M.EERSTE_CONTACT,),
    M.FR_VASTE_LASTEN: (M.EERSTE_CONTACT,),
    M.FR_SCHULDEISERS: (M.EERSTE_CONTACT,),
    M.PLAN_VAN_AANPAK: (M.EERSTE_CONTACT,),
    M.STABILISATIE: (M.FINANCIELE_RUST, M.PLAN_VAN_AANPAK),
    M.START_SCHULDREGELING: (M.STABILISATIE,),
    M.SCHULDREGELING_INGEDIEND: (M.START_SCHULDREGELING,),
    M.MINNELIJKE_REGELING: (M.START_SCHULDREGELING,),
    M.SCHULDREGELING_AFGEWEZEN: (M.START_SCHULDREGELING,),
    M.VERZOEK_DWANGAKKOORD: (M.SCHULDREGELING_AFGEWEZEN,),
    M.SCHULDREGELING_INGETROKKEN: (M.START_SCHULDREGELING,),
    M.EINDE_SCHULDREGELING: (),  # a minnelijke regeling or a dwangakkoord, see missing_prerequisites
    # seed: "Stabilisatieproces / start budgetbeheer": budgetbeheer may start during stabilisation
    M.START_BUDGETBEHEER: (M.EERSTE_CONTACT,),
    M.TOETS: (M.START_BUDGETBEHEER, M.STABILISATIE),
    M.EINDE_BUDGETBEHEER: (M.START_BUDGETBEHEER, M.STABILISATIE),
    M.START_BUDGETCOACHING: (M.EERSTE_CONTACT,),
    M.EINDE_BUDGETCOACHING: (M.START_BUDGETCOACHING,),
    M.ZELFREDZAAM: (M.EINDE_BUDGETCOACHING,),
    M.AANMELDING_WSNP: (M.SCHULDREGELING_AFGEWEZEN,),  # the WSNP follows a failed regeling
    M.EINDRAPPORTAGE: (),  # needs WSNP or an ended schuldregeling, see _special
    M.AFGESLOTEN: (),
}

# Once one of these exists, the milestone can no longer be recorded.
ENDS: dict[Milestone, tuple[Milestone, ...]] = {
    # once the inwoner was reached, an attempt or an offer can no longer improve the first contact
    M.CONTACTPOGING: (M.EERSTE_CONTACT,),
    M.AANBOD_EERSTE_GESPREK: (M.EERSTE_CONTACT,),
    M.TOETS: (M.EINDE_BUDGETBEHEER,),
    M.START_BUDGETCOACHING: (M.EINDE_BUDGETCOACHING,),
    M.SCHULDREGELING_INGEDIEND: (
        M.MINNELIJKE_REGELING,
        M.SCHULDREGELING_AFGEWEZEN,
        M.SCHULDREGELING_INGETROKKEN,
    ),
    M.MINNELIJKE_REGELING: (M.SCHULDREGELING_AFGEWEZEN, M.SCHULDREGELING_INGETROKKEN),
    M.SCHULDREGELING_AFGEWEZEN: (M.MINNELIJKE_REGELING, M.SCHULDREGELING_INGETROKKEN),
    M.VERZOEK_DWANGAKKOORD: (M.MINNELIJKE_REGELING, M.SCHULDREGELING_INGETROKKEN),
    M.SCHULDREGELING_INGETROKKEN: (M.MINNELIJKE_REGELING, M.SCHULDREGELING_AFGEWEZEN),
}


def ended_by(kind: Milestone, facts: Facts) -> Milestone | None:
    """The step after which `kind` can no longer be recorded, if it is there."""
    return next((e for e in ENDS.get(kind, ()) if facts.get(e.value)), None)


# Milestones that belong to some categories only.
ONLY_FOR: dict[Milestone, frozenset[Category]] = {
    M.AANBOD_EERSTE_GESPREK: frozenset({Category.VROEGSIGNALERING}),  # Wgs: the offer after a signal
}

# Outcomes the worker must give with these.
NEEDS_SELF_RELIANT = frozenset({M.TOETS, M.EINDE_BUDGETBEHEER, M.EINDE_BUDGETCOACHING})
NEEDS_CONTACT = frozenset({M.CONTACTPOGING, M.EERSTE_CONTACT})
NEEDS_REASON = frozenset({M.AFGESLOTEN})
NEEDS_OUTCOME = frozenset({M.BESCHIKKING})


def missing_prerequisites(kind: Milestone, facts: Facts) -> list[Milestone]:
    """The milestones still needed before kind can be recorded."""
    if kind is M.EINDRAPPORTAGE:
        if facts.get(M.AANMELDING_WSNP.value) or facts.get(M.EINDE_SCHULDREGELING.value):
            return []
        return [M.AANMELDING_WSNP]
    if kind is M.EINDE_SCHULDREGELING:  # after a minnelijke regeling or a dwangakkoord
        if facts.get(M.MINNELIJKE_REGELING.value) or facts.get(M.VERZOEK_DWANGAKKOORD.value):
            return []
        return [M.MINNELIJKE_REGELING]
    return [req for req in REQUIRES[kind] if not facts.get(req.value)]


def earliest_date(kind: Milestone, facts: Facts) -> date | None:
    """A milestone cannot be dated before the milestones it builds on. Picking up in the bot is a
    formality, not an event in the trajectory: contact made the day before counts."""
    if kind is M.AFGESLOTEN:  # closing comes after every step recorded
        days = [dates[-1] for key, dates in facts.items() if dates and key != M.OPGEPAKT.value]
    else:
        days = [facts[r.value][0] for r in REQUIRES[kind] if r is not M.OPGEPAKT and facts.get(r.value)]
    return max(days) if days else None


def recordable(facts: Facts, category: Category | None = None) -> list[Milestone]:
    """The milestones a worker can record now on a dossier of this category, in the order of a
    trajectory."""
    result: list[Milestone] = []
    for kind in Milestone:
        if kind in DERIVED or kind is M.AFGESLOTEN:
            continue
        if kind in ONLY_FOR and category not in ONLY_FOR[kind]:
            continue
        if kind not in REPEATABLE and facts.get(kind.value):
            continue
        if ended_by(kind, facts) is not None:
            continue
        if not missing_prerequisites(kind, facts):
            result.append(kind)
    return result


def stabilisatie_reached(facts: Facts) -> date | None:
    """Stabilisatie is reached on the day both financiële rust and the plan van aanpak exist
    (seed: "financiële rust plus plan van aanpak"); schuldregeling and budgetbeheer count from it."""
    rust, plan = facts.get(M.FINANCIELE_RUST.value), facts.get(M.PLAN_VAN_AANPAK.value)
    return max(rust[0], plan[0]) if rust and plan else None


def financiele_rust_reached(facts: Facts) -> date | None:
    """The day the last of the three criteria was met, once all three are."""
    days = [facts[c.value][0] for c in FINANCIELE_RUST_CRITERIA if facts.get(c.value)]
    return max(days) if len(days) == len(FINANCIELE_RUST_CRITERIA) else None


def refuse_derived(kind: Milestone) -> None:
    """Opgepakt and financiële rust follow from other steps; they are never recorded directly."""
    if kind in DERIVED:
        raise DomainError(N_("'{wat}' volgt vanzelf uit de andere stappen."), wat=Text(kind.label))


def check_recordable(kind: Milestone, facts: Facts, day: date, category: Category | None = None) -> None:
    """Refuse a milestone that does not belong to the category, is already there, lacks a
    prerequisite, comes after the step that ends it, or is dated before the step it builds on."""
    if kind in ONLY_FOR and category not in ONLY_FOR[kind]:
        raise DomainError(N_("'{wat}' hoort niet bij een melding van deze categorie."), wat=Text(kind.label))
    if kind not in REPEATABLE and facts.get(kind.value):
        raise DomainError(
            N_("'{wat}' is al vastgelegd op {datum}."), wat=Text(kind.label), datum=facts[kind.value][0]
        )
    missing = missing_prerequisites(kind, facts)
    if missing:
        raise DomainError(N_("Eerst nodig: {wat}."), wat=Text(missing[0].label))
    ender = ended_by(kind, facts)
    if ender is not None:
        raise DomainError(
            N_("Na '{eind}' kan '{wat}' niet meer."), eind=Text(ender.label), wat=Text(kind.label)
        )
    earliest = earliest_date(kind, facts)
    if earliest is not None and day < earliest:
        raise InvalidDate(N_("Die datum ligt vóór {datum}, de datum van de vorige stap."), datum=earliest)


def outcome_fields(
    kind: Milestone,
    *,
    contact_way: ContactWay | None,
    reached: bool | None,
    self_reliant: bool | None,
    reason: Eindresultaat | Uitstroomreden | None,
    dagdeel: Dagdeel | None = None,
    beschikking: Beschikking | None = None,
    traject: bool = True,
) -> dict[str, object]:
    """The outcome columns the milestone needs (contact way, dagdeel and reached; self-reliant;
    the DDAS reason for closing: an uitstroomreden for a schuldhulptraject, an eindresultaat for a
    vroegsignaalzaak). Only a conversation can reach the inwoner: a letter, card or message is an
    attempt."""
    fields: dict[str, object] = {}
    if kind in NEEDS_CONTACT:
        if contact_way is None:
            raise DomainError(N_("Geef aan hoe je contact hebt gezocht."))
        if not contact_way.can_reach and (kind is M.EERSTE_CONTACT or reached):
            raise DomainError(
                N_(
                    "Zo bereik je de inwoner nog niet ({soort}): eerste contact is een gesprek "
                    "(telefonisch, huisbezoek, op kantoor of beeldbellen). Leg het vast als contactpoging."
                ),
                soort=Text(contact_way.label),
            )
        fields["contact_way"] = contact_way.value
        fields["reached"] = True if kind is M.EERSTE_CONTACT else bool(reached)
        if dagdeel is not None:
            fields["dagdeel"] = dagdeel.value
    if kind in NEEDS_SELF_RELIANT:
        if self_reliant is None:
            raise DomainError(N_("Geef aan of de inwoner financieel zelfredzaam is."))
        fields["self_reliant"] = self_reliant
    if kind in NEEDS_REASON:
        if traject:
            if not isinstance(reason, Uitstroomreden):
                raise DomainError(N_("Kies waarom het schuldhulptraject eindigt."))
            fields["reason"] = reason.value
        else:
            if not isinstance(reason, Eindresultaat):
                raise DomainError(N_("Kies het eindresultaat van de vroegsignalering."))
            fields["reason"] = reason.value
    if kind in NEEDS_OUTCOME:
        if beschikking is None:
            raise DomainError(N_("Geef aan of het een toelating of een afwijzing is."))
        fields["uitkomst"] = beschikking.value
    return fields


@dataclass(frozen=True)
class Step:
    """One milestone row to store: kind, date and outcome columns."""

    kind: Milestone
    day: date
    fields: Mapping[str, object]


def steps_for(kind: Milestone, day: date, fields: Mapping[str, object], facts: Facts) -> list[Step]:
    """The recorded milestone and what it completes: a contact attempt that reached the inwoner is
    the eerste contact; the last criterion of financiële rust completes it (on the latest date);
    financiële rust and the plan van aanpak together are stabilisatie (on the later of the two);
    budgetcoaching that ends with the inwoner financially self-reliant reaches the seed's end product
    ("inwoner is financieel zelfredzaam")."""
    steps = [Step(kind, day, fields)]
    if kind is M.EINDE_BUDGETCOACHING and fields.get("self_reliant"):
        steps.append(Step(M.ZELFREDZAAM, day, {}))
    if kind is M.CONTACTPOGING and fields.get("reached"):
        contact = {k: v for k, v in fields.items() if k in ("contact_way", "dagdeel")}
        steps.append(Step(M.EERSTE_CONTACT, day, {**contact, "reached": True}))
    if kind in FINANCIELE_RUST_CRITERIA:
        rust = financiele_rust_reached({**facts, kind.value: [day]})
        if rust is not None:
            steps.append(Step(M.FINANCIELE_RUST, rust, {}))
    known = {**facts, **{s.kind.value: [s.day] for s in steps}}
    stable = stabilisatie_reached(known)
    if stable is not None and not facts.get(M.STABILISATIE.value):
        steps.append(Step(M.STABILISATIE, stable, {}))
    return steps


def end_product_steps(norm: NormConfig | None, seq: int, can_record: Sequence[Milestone]) -> list[Milestone]:
    """The milestones (or their parts) that would stop a norm's deadline and can be recorded now;
    a periodic toets is stopped by the toets."""
    if norm is None:
        return []
    wanted = set(norm.eindproduct) | set(norm.eindigt_bij)
    if M.FINANCIELE_RUST.value in wanted:
        wanted |= {c.value for c in FINANCIELE_RUST_CRITERIA}
    if seq:
        wanted = {M.TOETS.value}
    return [m for m in can_record if m.value in wanted]
