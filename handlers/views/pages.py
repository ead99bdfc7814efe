"""The fixed pages: how to join, /help per role, /privacy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import N_
from bot.vocabulary import Role
from handlers.views.menus import commands_for
from handlers.views.text import t

if TYPE_CHECKING:
    from bot.models import User

INVITE_EXPLANATION = N_(
    "Dit is de schuldhulpbot van de gemeente en de Kredietbank. Je kunt hem gebruiken met een "
    "persoonlijke uitnodiging. Vraag de functioneel beheerder om een code (je teamleider weet wie dat "
    "is) en stuur dan: /start CODE"
)

HELP_INTRO = {
    Role.PARTNER: N_(
        "Stuur een schuldvraag met /vraag of meld een inwoner aan met /melding. Je hoort wie het "
        "oppakt en wanneer, wanneer er eerste contact is en wanneer het dossier wordt afgesloten. Met "
        "/zaken zie je wat je hebt ingestuurd, met /zaak de stand van één zaak."
    ),
    Role.KLANTMANAGER: N_(
        "Nieuwe meldingen en vragen komen hier binnen met knoppen om ze op te pakken. Met /zaken zie je "
        "je open zaken en de eerstvolgende termijn; met /zaak leg je mijlpalen vast."
    ),
    Role.TEAMLEIDER: N_(
        "Met /zaken zie je alle open zaken van het team per medewerker, te laat bovenaan. Je krijgt "
        "escalaties en elke week het overzicht. Met /rooster pas je het rooster aan (ook voor één dag); "
        "met /afwezig meld je jezelf of een collega afwezig."
    ),
    Role.BEHEERDER: N_(
        "Je beheert gebruikers en het rooster (/rooster, en /afwezig voor een collega); zaakinhoud zie "
        "je niet."
    ),
}

PRIVACY_TEXT = N_(
    "<b>Privacy</b>\n"
    "Telegram-chats met een bot zijn niet end-to-end versleuteld. Daarom zet je hier geen "
    "persoonsgegevens van inwoners in: geen namen, BSN, adressen, geboortedata, telefoonnummers, "
    "e-mailadressen of rekeningnummers. De bot controleert elke tekst op BSN, rekeningnummers, "
    "telefoonnummers, e-mailadressen, postcodes, straat en huisnummer, geboortedata en namen na een "
    "aanspreekvorm of voorletters (ook verstopt met spaties, streepjes of 'punt'), en weigert zo'n "
    "tekst; een geweigerde tekst wordt nergens opgeslagen. Een voornaam alleen herkent hij niet "
    "altijd: noem de inwoner 'inwoner', 'mevrouw' of 'meneer'.\n\n"
    "<b>Wat de bot bewaart</b>\n"
    "• van jou: je Telegram-id, naam (staat daar een telefoonnummer of ander persoonsgegeven in, "
    "dan je rol en een nummer), rol, wijkteam en taal;\n"
    "• van een dossier: het dossiernummer, de categorie, het wijkteam, de datums van de stappen met "
    "hun uitkomst (zoals de reden van afsluiten), en bij vroegsignalering eventueel het RIS-nummer, "
    "de soort signaalpartner en de organisatie, en of het een crisissignaal of warme overdracht was;\n"
    "• je vraag en het antwoord, en de korte omschrijving bij een melding. Die vrije tekst wordt "
    "{dagen} dagen na het afsluiten verwijderd; de cijfers blijven.\n"
    "• een logboek van wie wat deed met welke zaak, zonder berichtteksten.\n\n"
    "<b>Waarom</b>\n"
    "Om meldingen snel bij de juiste Kredietbank-medewerker te krijgen en de afgesproken "
    "doorlooptijden te bewaken, in opdracht van de gemeente (Wet gemeentelijke schuldhulpverlening)."
)


def help_text(user: User) -> str:
    """What this user can do: an introduction for their role, then their commands."""
    lang = user.language
    intro = HELP_INTRO.get(Role(user.role), HELP_INTRO[Role.KLANTMANAGER])
    lines = [t(lang, intro), ""]
    lines += [f"/{cmd} – {t(lang, desc)}" for cmd, desc in commands_for(user)]
    return "\n".join(lines)


def privacy_text(lang: str, retention_days: int) -> str:
    return t(lang, PRIVACY_TEXT, dagen=str(retention_days))
