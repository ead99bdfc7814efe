"""The words of the domain, one name per concept, with the Dutch word the users see.

Glossary (code name: Dutch word, meaning); bot/README.md explains the chain in full.

- Dossier (dossier, zaak): the case a melding opens; residents are known only by its reference.
- Vraag (schuldvraag): a partner's question, anonymous about the resident.
- Item: a dossier or a vraag, as routed to a worker (ItemKind).
- Milestone (mijlpaal, stap): an event a worker records on a dossier, with its date.
- Norm (norm, doorlooptijd): an agreed term from the configuration, e.g. eerste contact binnen
  2 weken na de RIS-melding.
- Deadline (termijn): one norm running for one dossier or vraag: its start, its due date (uiterste
  datum), the date its end product was recorded (met), and its DeadlineStatus. Budgetbeheer's
  half-yearly toetsen are deadlines of their own (seq 1, 2, ...). The stored audit actions keep
  their first wording ('klok.gestart', ...) so the log reads the same over the years.
- Verdict (oordeel): whether a deadline was met within the term (binnen de termijn), missed, still
  running or lapsed (vervallen); see bot.norms.verdict.
- Reminder (herinnering): one row of the outbox: a moment, an audience and a subject.
- Digest (lijst): the daily overdue list or the weekly overview, sent once per person and period.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_


class Role(StrEnum):
    """What a user may do (bot/README.md, "Roles")."""

    PARTNER = "partner"
    KLANTMANAGER = "klantmanager"
    BUDGETCOACH = "budgetcoach"
    TEAMLEIDER = "teamleider"
    BEHEERDER = "beheerder"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_worker(self) -> bool:
        """Receives routed items and acts on dossiers."""
        return self in (Role.KLANTMANAGER, Role.BUDGETCOACH)


ROLE_LABELS = {
    Role.PARTNER: N_("medewerker voorliggend veld"),
    Role.KLANTMANAGER: N_("klantmanager"),
    Role.BUDGETCOACH: N_("budgetcoach"),
    Role.TEAMLEIDER: N_("teamleider"),
    Role.BEHEERDER: N_("functioneel beheerder"),
}


class Category(StrEnum):
    """Kinds of melding (seed)."""

    VROEGSIGNALERING = "vroegsignalering"
    BEDREIGENDE_SITUATIE = "bedreigende_situatie"
    AANMELDING_DERDEN = "aanmelding_derden"
    NIEUWE_AANMELDING = "nieuwe_aanmelding"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.VROEGSIGNALERING: N_("vroegsignalering (RIS)"),
    Category.BEDREIGENDE_SITUATIE: N_("bedreigende situatie"),
    Category.AANMELDING_DERDEN: N_("aanmelding derden"),
    Category.NIEUWE_AANMELDING: N_("nieuwe aanmelding"),
}


class VraagTopic(StrEnum):
    """What a schuldvraag is about; decides the preferred function when routing."""

    SCHULDEN = "schulden"
    BUDGET = "budget"

    @property
    def label(self) -> str:
        return VRAAG_TOPIC_LABELS[self]


VRAAG_TOPIC_LABELS = {
    VraagTopic.SCHULDEN: N_("schulden en schuldhulp"),
    VraagTopic.BUDGET: N_("budget en inkomen"),
}


class ItemKind(StrEnum):
    """What was routed: a dossier (from a melding) or a vraag."""

    DOSSIER = "dossier"
    VRAAG = "vraag"


class Milestone(StrEnum):
    """Events a worker records on a dossier, each with a date."""

    OPGEPAKT = "opgepakt"
    CONTACTPOGING = "contactpoging"
    AANBOD_EERSTE_GESPREK = "aanbod_eerste_gesprek"
    EERSTE_CONTACT = "eerste_contact"
    BESCHIKKING = "beschikking"
    FR_SCHULDEN_STABIEL = "fr_schulden_stabiel"
    FR_VASTE_LASTEN = "fr_vaste_lasten"
    FR_SCHULDEISERS = "fr_schuldeisers"
    FINANCIELE_RUST = "financiele_rust"
    PLAN_VAN_AANPAK = "plan_van_aanpak"
    STABILISATIE = "stabilisatie"
    START_SCHULDREGELING = "start_schuldregeling"
    SCHULDREGELING_INGEDIEND = "schuldregeling_ingediend"
    MINNELIJKE_REGELING = "minnelijke_regeling"
    SCHULDREGELING_AFGEWEZEN = "schuldregeling_afgewezen"
    VERZOEK_DWANGAKKOORD = "verzoek_dwangakkoord"
    SCHULDREGELING_INGETROKKEN = "schuldregeling_ingetrokken"
    EINDE_SCHULDREGELING = "einde_schuldregeling"
    START_BUDGETBEHEER = "start_budgetbeheer"
    TOETS = "toets_zelfredzaamheid"
    EINDE_BUDGETBEHEER = "einde_budgetbeheer"
    START_BUDGETCOACHING = "start_budgetcoaching"
    EINDE_BUDGETCOACHING = "einde_budgetcoaching"
    ZELFREDZAAM = "zelfredzaam"
    AANMELDING_WSNP = "aanmelding_wsnp"
    EINDRAPPORTAGE = "eindrapportage"
    AFGESLOTEN = "afgesloten"

    @property
    def label(self) -> str:
        return MILESTONE_LABELS[self]


MILESTONE_LABELS = {
    Milestone.OPGEPAKT: N_("opgepakt"),
    Milestone.CONTACTPOGING: N_("contactpoging"),
    Milestone.AANBOD_EERSTE_GESPREK: N_("aanbod eerste gesprek"),
    Milestone.EERSTE_CONTACT: N_("eerste contact"),
    Milestone.BESCHIKKING: N_("beschikking"),
    Milestone.FR_SCHULDEN_STABIEL: N_("schulden stabiel"),
    Milestone.FR_VASTE_LASTEN: N_("vaste lasten worden maandelijks betaald"),
    Milestone.FR_SCHULDEISERS: N_("schuldeisers weten van de schuldhulp (VISH)"),
    Milestone.FINANCIELE_RUST: N_("financiële rust"),
    Milestone.PLAN_VAN_AANPAK: N_("plan van aanpak"),
    Milestone.STABILISATIE: N_("stabilisatie afgerond"),
    Milestone.START_SCHULDREGELING: N_("start schuldregeling"),
    Milestone.SCHULDREGELING_INGEDIEND: N_("schuldregeling ingediend"),
    Milestone.MINNELIJKE_REGELING: N_("minnelijke regeling toegekend"),
    Milestone.SCHULDREGELING_AFGEWEZEN: N_("schuldregeling afgewezen"),
    Milestone.VERZOEK_DWANGAKKOORD: N_("verzoek dwangakkoord"),
    Milestone.SCHULDREGELING_INGETROKKEN: N_("schuldregeling ingetrokken"),
    Milestone.EINDE_SCHULDREGELING: N_("einde schuldregeling"),
    Milestone.START_BUDGETBEHEER: N_("start budgetbeheer"),
    Milestone.TOETS: N_("toets zelfredzaamheid"),
    Milestone.EINDE_BUDGETBEHEER: N_("einde budgetbeheer"),
    Milestone.START_BUDGETCOACHING: N_("start budgetcoaching"),
    Milestone.EINDE_BUDGETCOACHING: N_("einde budgetcoaching"),
    Milestone.ZELFREDZAAM: N_("inwoner financieel zelfredzaam"),
    Milestone.AANMELDING_WSNP: N_("aanmelding WSNP"),
    Milestone.EINDRAPPORTAGE: N_("eindrapportage"),
    Milestone.AFGESLOTEN: N_("afgesloten"),
}

# The three criteria of financiële rust (seed); the last one recorded completes it.
FINANCIELE_RUST_CRITERIA = (
    Milestone.FR_SCHULDEN_STABIEL,
    Milestone.FR_VASTE_LASTEN,
    Milestone.FR_SCHULDEISERS,
)

# Milestones that may be recorded more than once on one dossier.
REPEATABLE = frozenset({Milestone.CONTACTPOGING, Milestone.TOETS})

# Milestones the service derives itself; a worker records them through their parts.
DERIVED = frozenset(
    {Milestone.OPGEPAKT, Milestone.FINANCIELE_RUST, Milestone.STABILISATIE, Milestone.ZELFREDZAAM}
)


class ContactWay(StrEnum):
    """How a contact attempt was made (DDAS EnumContactsoort, plus the two ways of a
    conversation the seed counts: gesprek op kantoor and beeldbellen)."""

    TELEFOON = "telefoon"
    HUISBEZOEK = "huisbezoek"
    KANTOOR = "kantoor"
    BEELDBELLEN = "beeldbellen"
    BRIEF = "brief"
    KAARTJE = "kaartje"
    MAIL = "mail"
    SMS_WHATSAPP = "sms_whatsapp"
    OVERIG = "overig"

    @property
    def can_reach(self) -> bool:
        """A conversation in which the inwoner can be reached; a letter, card or message cannot."""
        return self in REACHING_WAYS

    @property
    def label(self) -> str:
        return CONTACT_WAY_LABELS[self]


REACHING_WAYS = frozenset(
    {ContactWay.TELEFOON, ContactWay.HUISBEZOEK, ContactWay.KANTOOR, ContactWay.BEELDBELLEN}
)

CONTACT_WAY_LABELS = {
    ContactWay.TELEFOON: N_("telefonisch"),
    ContactWay.HUISBEZOEK: N_("huisbezoek"),
    ContactWay.KANTOOR: N_("gesprek op kantoor"),
    ContactWay.BEELDBELLEN: N_("beeldbellen"),
    ContactWay.BRIEF: N_("brief"),
    ContactWay.KAARTJE: N_("kaartje"),
    ContactWay.MAIL: N_("e-mail"),
    ContactWay.SMS_WHATSAPP: N_("sms of WhatsApp"),
    ContactWay.OVERIG: N_("anders"),
}


class Beschikking(StrEnum):
    """What the beschikking after the first gesprek decides (Wgs art. 4a)."""

    TOELATING = "toelating"
    AFWIJZING = "afwijzing"

    @property
    def label(self) -> str:
        return BESCHIKKING_LABELS[self]


BESCHIKKING_LABELS = {Beschikking.TOELATING: N_("toelating"), Beschikking.AFWIJZING: N_("afwijzing")}


class Dagdeel(StrEnum):
    """Part of the day of a contact attempt (DDAS EnumDagdeel)."""

    OCHTEND = "ochtend"
    MIDDAG = "middag"
    AVOND = "avond"

    @property
    def label(self) -> str:
        return DAGDEEL_LABELS[self]


DAGDEEL_LABELS = {Dagdeel.OCHTEND: N_("ochtend"), Dagdeel.MIDDAG: N_("middag"), Dagdeel.AVOND: N_("avond")}


class Unit(StrEnum):
    """Units a norm's term is expressed in."""

    KALENDERDAGEN = "kalenderdagen"
    WERKDAGEN = "werkdagen"
    WEKEN = "weken"
    MAANDEN = "maanden"


class NormSource(StrEnum):
    """Where a norm comes from: the seed's agreement, its result agreements, the Wgs, or local."""

    UITVRAAG = "uitvraag"
    RESULTAAT = "resultaat"
    WET = "wet"
    LOKAAL = "lokaal"


class DeadlineStatus(StrEnum):
    """A deadline (termijn) runs, is stopped by its end product, ends without it after its due
    date or with a failed outcome (niet gehaald), or lapses (its dossier closed within the term)."""

    LOPEND = "lopend"
    GESTOPT = "gestopt"
    NIET_GEHAALD = "niet_gehaald"
    VERVALLEN = "vervallen"


class DossierStatus(StrEnum):
    """Where a dossier stands."""

    NIEUW = "nieuw"
    OPGEPAKT = "opgepakt"
    AFGESLOTEN = "afgesloten"


class VraagStatus(StrEnum):
    """Where a schuldvraag stands."""

    NIEUW = "nieuw"
    OPGEPAKT = "opgepakt"
    BEANTWOORD = "beantwoord"


class Verdict(StrEnum):
    """How a deadline stands on a given day (bot.norms.verdict is the one rule)."""

    GEHAALD = "gehaald"  # end product on or before the due date: binnen de termijn
    TE_LAAT = "te_laat"  # end product after the due date
    VERLOPEN = "verlopen"  # no end product and the due date has passed
    LOPEND = "lopend"  # no end product, the due date is today or later
    NIET_GEHAALD = "niet_gehaald"  # ended without its end product: closed late, or a failed outcome
    VERVALLEN = "vervallen"  # the dossier closed while it was still within its term
    GEEN_TERMIJN = "geen_termijn"  # a norm without a term (WSNP, nazorg)


class ReminderKind(StrEnum):
    """What a reminder row is about."""

    TERMIJN = "termijn"  # a deadline: before, on the day, overdue
    OPPAKKEN = "oppakken"  # an item nobody picked up: re-send, then escalation


class Audience(StrEnum):
    """Who a reminder row is for."""

    HOUDER = "houder"  # whoever holds the item when it is sent
    TEAMLEIDER = "teamleider"  # every reachable teamleider


class StandIn(StrEnum):
    """Why the teamleiders get a holder's reminder instead."""

    AFWEZIG = "afwezig"
    ONBEREIKBAAR = "onbereikbaar"
    GEEN_HOUDER = "geen_houder"


class DigestKind(StrEnum):
    """The periodic lists."""

    DAGLIJST = "te_laat_dag"  # a worker's overdue dossiers, each working morning
    WEEKOVERZICHT = "week"  # the teamleider's weekly status


class DigestStatus(StrEnum):
    """A digest is being sent by one process, or was sent."""

    BEZIG = "bezig"
    VERZONDEN = "verzonden"


class ReminderStatus(StrEnum):
    """The lifecycle of a reminder row in the outbox."""

    GEPLAND = "gepland"
    GECLAIMD = "geclaimd"
    VERZONDEN = "verzonden"
    MISLUKT = "mislukt"
    GEANNULEERD = "geannuleerd"


class AuditAction(StrEnum):
    """What the append-only audit log records (codes and dates only, never message texts)."""

    INVITE_CREATED = "uitnodiging.gemaakt"
    USER_JOINED = "gebruiker.aangemeld"
    USER_LANGUAGE = "gebruiker.taal"
    USER_ACTIVATED = "gebruiker.actief"
    USER_BLOCKED = "gebruiker.geblokkeerd"
    USER_UNREACHABLE = "gebruiker.onbereikbaar"
    USER_REACHABLE = "gebruiker.bereikbaar"
    ROSTER_ON = "rooster.aan"
    ROSTER_OFF = "rooster.uit"
    ROSTER_OVERRIDE = "rooster.afwijking"
    ABSENCE = "afwezigheid.gemeld"
    DOSSIER_REPORTED = "dossier.gemeld"
    DOSSIER_ROUTED = "dossier.gerouteerd"
    DOSSIER_PICKED_UP = "dossier.opgepakt"
    DOSSIER_HANDED_OVER = "dossier.overgedragen"
    MILESTONE_RECORDED = "mijlpaal.vastgelegd"
    VRAAG_ASKED = "vraag.gesteld"
    VRAAG_ROUTED = "vraag.gerouteerd"
    VRAAG_PICKED_UP = "vraag.opgepakt"
    VRAAG_HANDED_OVER = "vraag.overgedragen"
    VRAAG_ANSWERED = "vraag.beantwoord"
    # Deadlines: the stored values keep their first wording ("klok") for a continuous log.
    DEADLINE_STARTED = "klok.gestart"
    DEADLINE_STOPPED = "klok.gestopt"
    DEADLINE_MOVED = "klok.verplaatst"
    DEADLINE_UPDATED = "klok.bijgewerkt"
    DEADLINE_LAPSED = "klok.vervallen"
    DEADLINE_MISSED = "klok.niet_gehaald"
    REMINDERS_PLANNED = "herinneringen.gepland"
    REMINDER_SENT = "herinnering.verzonden"
    REMINDER_RETRY = "herinnering.opnieuw"
    REMINDER_FAILED = "herinnering.mislukt"
    REMINDER_LAPSED = "herinnering.vervallen"
    FREE_TEXT_PURGED = "vrije_tekst.verwijderd"
