"""The words of the domain: roles, categories, milestones, units, with their Dutch labels."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_


class Role(StrEnum):
    """What a user may do (DOMAIN.md section 1)."""

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


class Milestone(StrEnum):
    """Events a worker records on a dossier, each with a date."""

    OPGEPAKT = "opgepakt"
    CONTACTPOGING = "contactpoging"
    EERSTE_CONTACT = "eerste_contact"
    FR_SCHULDEN_STABIEL = "fr_schulden_stabiel"
    FR_VASTE_LASTEN = "fr_vaste_lasten"
    FR_SCHULDEISERS = "fr_schuldeisers"
    FINANCIELE_RUST = "financiele_rust"
    PLAN_VAN_AANPAK = "plan_van_aanpak"
    STABILISATIE = "stabilisatie"
    START_SCHULDREGELING = "start_schuldregeling"
    MINNELIJKE_REGELING = "minnelijke_regeling"
    EINDE_SCHULDREGELING = "einde_schuldregeling"
    START_BUDGETBEHEER = "start_budgetbeheer"
    TOETS = "toets_zelfredzaamheid"
    EINDE_BUDGETBEHEER = "einde_budgetbeheer"
    START_BUDGETCOACHING = "start_budgetcoaching"
    EINDE_BUDGETCOACHING = "einde_budgetcoaching"
    AANMELDING_WSNP = "aanmelding_wsnp"
    EINDRAPPORTAGE = "eindrapportage"
    AFGESLOTEN = "afgesloten"

    @property
    def label(self) -> str:
        return MILESTONE_LABELS[self]


MILESTONE_LABELS = {
    Milestone.OPGEPAKT: N_("opgepakt"),
    Milestone.CONTACTPOGING: N_("contactpoging"),
    Milestone.EERSTE_CONTACT: N_("eerste contact"),
    Milestone.FR_SCHULDEN_STABIEL: N_("schulden lopen niet verder op"),
    Milestone.FR_VASTE_LASTEN: N_("vaste lasten worden maandelijks betaald"),
    Milestone.FR_SCHULDEISERS: N_("schuldeisers weten van de schuldhulp (VISH)"),
    Milestone.FINANCIELE_RUST: N_("financiële rust"),
    Milestone.PLAN_VAN_AANPAK: N_("plan van aanpak"),
    Milestone.STABILISATIE: N_("stabilisatie afgerond"),
    Milestone.START_SCHULDREGELING: N_("start schuldregeling"),
    Milestone.MINNELIJKE_REGELING: N_("minnelijke regeling bereikt"),
    Milestone.EINDE_SCHULDREGELING: N_("einde schuldregeling"),
    Milestone.START_BUDGETBEHEER: N_("start budgetbeheer"),
    Milestone.TOETS: N_("toets zelfredzaamheid"),
    Milestone.EINDE_BUDGETBEHEER: N_("einde budgetbeheer"),
    Milestone.START_BUDGETCOACHING: N_("start budgetcoaching"),
    Milestone.EINDE_BUDGETCOACHING: N_("einde budgetcoaching"),
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
DERIVED = frozenset({Milestone.OPGEPAKT, Milestone.FINANCIELE_RUST})


class ContactWay(StrEnum):
    """How a contact attempt was made."""

    TELEFOON = "telefoon"
    HUISBEZOEK = "huisbezoek"
    BRIEF = "brief"
    SPREEKUUR = "spreekuur"
    DIGITAAL = "digitaal"


CONTACT_WAY_LABELS = {
    ContactWay.TELEFOON: N_("telefonisch"),
    ContactWay.HUISBEZOEK: N_("huisbezoek"),
    ContactWay.BRIEF: N_("brief"),
    ContactWay.SPREEKUUR: N_("spreekuur"),
    ContactWay.DIGITAAL: N_("digitaal"),
}


class CloseReason(StrEnum):
    """Why a dossier was closed."""

    AFGEROND = "afgerond"
    GEEN_CONTACT = "geen_contact"
    GEWEIGERD = "hulp_geweigerd"
    DOORVERWEZEN = "doorverwezen"
    VERHUISD = "verhuisd"
    OVERLEDEN = "overleden"
    OVERIG = "overig"


CLOSE_REASON_LABELS = {
    CloseReason.AFGEROND: N_("traject afgerond"),
    CloseReason.GEEN_CONTACT: N_("geen contact gekregen"),
    CloseReason.GEWEIGERD: N_("hulp geweigerd"),
    CloseReason.DOORVERWEZEN: N_("doorverwezen"),
    CloseReason.VERHUISD: N_("verhuisd"),
    CloseReason.OVERLEDEN: N_("overleden"),
    CloseReason.OVERIG: N_("andere reden"),
}


class Unit(StrEnum):
    """Units a norm's term is expressed in."""

    KALENDERDAGEN = "kalenderdagen"
    WERKDAGEN = "werkdagen"
    WEKEN = "weken"
    MAANDEN = "maanden"


class ClockStatus(StrEnum):
    """A norm clock runs, is stopped by its end product, or lapses (dossier closed first)."""

    LOPEND = "lopend"
    GESTOPT = "gestopt"
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


class ReminderStatus(StrEnum):
    """The lifecycle of a reminder row in the outbox."""

    GEPLAND = "gepland"
    GECLAIMD = "geclaimd"
    VERZONDEN = "verzonden"
    MISLUKT = "mislukt"
    GEANNULEERD = "geannuleerd"
