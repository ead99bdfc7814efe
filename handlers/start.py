"""Joining and the basics: /start <code>, /help, /privacy, /taal, and everything unregistered."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import ContextTypes

from bot import i18n
from bot.errors import DomainError
from bot.i18n import N_, Text
from bot.models import User
from bot.rights import Action
from bot.services import users
from bot.services.common import require
from bot.vocabulary import Role
from handlers.common import (
    answer_stale,
    current_user,
    keyboard,
    lang_of,
    pressed_by_user,
    reply,
    reply_error,
    runtime,
    session_for,
    t,
)
from handlers.menus import commands_for, set_user_commands

MAX_FAILED_CODES = 5
FAILED_CODE_WINDOW = timedelta(minutes=15)

INVITE_EXPLANATION = N_(
    "Dit is de schuldhulpbot van de gemeente en de Kredietbank. Je kunt hem gebruiken met een "
    "persoonlijke uitnodiging. Vraag je teamleider of de functioneel beheerder om een code en stuur "
    "dan: /start CODE"
)


async def explain_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Unregistered accounts learn how to get an invite, and nothing else."""
    await reply(update, context, t(i18n.DEFAULT_LANGUAGE, INVITE_EXPLANATION))


async def active_user(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: Action | None = None
) -> User | None:
    """The registered, active user allowed to do `action`; otherwise the right answer is sent
    (the invite text for strangers, a refusal for the wrong role) and None returned."""
    user = await current_user(update, context)
    if user is None or not user.active:
        await explain_invite(update, context)
        return None
    if action is not None:
        try:
            require(user, action)
        except DomainError as err:
            await reply_error(update, context, err, user.language)
            return None
    return user


def _throttled(context: ContextTypes.DEFAULT_TYPE, telegram_id: int) -> bool:
    rt = runtime(context)
    cutoff = rt.deps.now() - FAILED_CODE_WINDOW
    recent = [at for at in rt.failed_codes.get(telegram_id, []) if at > cutoff]
    rt.failed_codes[telegram_id] = recent
    return len(recent) >= MAX_FAILED_CODES


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [code]: register with an invite, or greet a known user."""
    assert update.effective_user is not None
    user = await current_user(update, context)
    if user is not None:
        if not user.active:
            await reply(
                update, context, t("nl", "Je account is geblokkeerd. Neem contact op met de beheerder.")
            )
            return
        await reply(update, context, t(user.language, "Welkom terug, {naam}.", naam=user.display_name))
        await help_command(update, context)
        return
    if not context.args:
        await explain_invite(update, context)
        return
    telegram_id = update.effective_user.id
    if _throttled(context, telegram_id):
        await reply(
            update, context, t("nl", "Te veel onjuiste codes. Probeer het over een kwartier opnieuw.")
        )
        return
    rt = runtime(context)
    try:
        async with session_for(context) as session:
            user = await users.register(
                session,
                rt.deps,
                telegram_id,
                context.args[0],
                fallback_name=update.effective_user.full_name,
                language="nl",
            )
    except DomainError as err:
        rt.failed_codes.setdefault(telegram_id, []).append(rt.deps.now())
        await reply_error(update, context, err, "nl")
        return
    rt.failed_codes.pop(telegram_id, None)
    await set_user_commands(context.bot, user)
    team = user.wijkteam.naam if user.wijkteam else "-"
    await reply(
        update,
        context,
        t(
            user.language,
            "Welkom, {naam}! Je bent aangemeld als {rol} (wijkteam: {wijkteam}).",
            naam=user.display_name,
            rol=Text(Role(user.role).label),
            wijkteam=team,
        ),
    )
    await help_command(update, context)


HELP_INTRO = {
    Role.PARTNER: N_(
        "Stuur een schuldvraag met /vraag of meld een inwoner aan met /melding. Je hoort wie het "
        "oppakt en wanneer. Met /zaken zie je wat je hebt ingestuurd."
    ),
    Role.KLANTMANAGER: N_(
        "Nieuwe meldingen en vragen komen hier binnen met knoppen om ze op te pakken. Met /zaken zie je "
        "je open zaken en de eerstvolgende termijn; met /zaak leg je mijlpalen vast."
    ),
    Role.TEAMLEIDER: N_("Je ziet alle zaken, krijgt escalaties en kunt het rooster aanpassen met /rooster."),
    Role.BEHEERDER: N_("Je beheert gebruikers en het rooster; zaakinhoud zie je niet."),
}


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what this user can do, by role."""
    user = await current_user(update, context)
    if user is None or not user.active:
        await explain_invite(update, context)
        return
    lang = user.language
    role = Role(user.role)
    intro = HELP_INTRO.get(role, HELP_INTRO[Role.KLANTMANAGER])
    lines = [t(lang, intro), ""]
    lines += [f"/{cmd} – {t(lang, desc)}" for cmd, desc in commands_for(user)]
    await reply(update, context, "\n".join(lines))


PRIVACY_TEXT = N_(
    "<b>Privacy</b>\n"
    "Telegram-chats met een bot zijn niet end-to-end versleuteld. Daarom zet je hier geen "
    "persoonsgegevens van inwoners in: geen namen, BSN, adressen, geboortedata, telefoonnummers, "
    "e-mailadressen of rekeningnummers. De bot controleert elke tekst en weigert zulke gegevens; "
    "een geweigerde tekst wordt nergens opgeslagen.\n\n"
    "<b>Wat de bot bewaart</b>\n"
    "• van jou: je Telegram-id, naam, rol, wijkteam en taal;\n"
    "• van een zaak: het dossiernummer, de categorie, het wijkteam, de datums van de stappen en "
    "eventueel het RIS-nummer;\n"
    "• je vraag en het antwoord, en de korte omschrijving bij een melding. Die vrije tekst wordt "
    "{dagen} dagen na het afsluiten verwijderd; de cijfers blijven.\n"
    "• een logboek van wie wat deed met welke zaak, zonder berichtteksten.\n\n"
    "<b>Waarom</b>\n"
    "Om meldingen snel bij de juiste Kredietbank-medewerker te krijgen en de afgesproken "
    "doorlooptijden te bewaken, in opdracht van de gemeente (Wet gemeentelijke schuldhulpverlening)."
)


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what the bot stores and why."""
    user = await current_user(update, context)
    if user is None or not user.active:
        await explain_invite(update, context)
        return
    days = runtime(context).deps.config.bewaartermijn_vrije_tekst_dagen
    await reply(update, context, t(user.language, PRIVACY_TEXT, dagen=str(days)))


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/taal: buttons for Nederlands and English."""
    user = await current_user(update, context)
    if user is None or not user.active:
        await explain_invite(update, context)
        return
    markup = keyboard([[("Nederlands", "taal:nl"), ("English", "taal:en")]])
    await reply(update, context, t(user.language, "Welke taal wil je?"), markup)


async def set_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Language button: store the choice and refresh the command menu."""
    assert update.callback_query is not None and update.effective_user is not None
    found = await pressed_by_user(update, context, "taal", 1, lambda p: p[0] in i18n.LANGUAGES)
    if found is None:
        return
    user, parts = found
    async with session_for(context) as session:
        user = await users.set_language(session, runtime(context).deps, update.effective_user.id, parts[0])
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(t(user.language, "Taal ingesteld: Nederlands."))
    await set_user_commands(context.bot, user)


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything no other handler took: the invite text for strangers, a pointer to /help for users."""
    user = await current_user(update, context)
    if update.callback_query is not None:
        await answer_stale(update, lang_of(user))
        return
    if user is None or not user.active:
        await explain_invite(update, context)
        return
    await reply(update, context, t(user.language, "Dat begrijp ik niet. Typ /help voor wat je kunt doen."))


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/annuleer outside a flow."""
    user = await current_user(update, context)
    if user is None or not user.active:
        await explain_invite(update, context)
        return
    await reply(update, context, t(user.language, "Er is niets om te stoppen."))


INVITE_USAGE = N_(
    "Gebruik: /uitnodigen ROL [WIJKTEAM], bijvoorbeeld /uitnodigen partner drunen. "
    "Rollen: partner, klantmanager, budgetcoach, teamleider, beheerder."
)


async def invite_colleague(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/uitnodigen ROL [WIJKTEAM]: a one-time code and its link (beheerder)."""
    user = await active_user(update, context, Action.MANAGE_USERS)
    if user is None:
        return
    args = context.args or []
    if not args or args[0].lower() not in {r.value for r in Role} or len(args) > 2:
        await reply(update, context, t(user.language, INVITE_USAGE))
        return
    rt = runtime(context)
    try:
        async with session_for(context) as session:
            result = await users.create_invite(
                session,
                rt.deps,
                role=Role(args[0].lower()),
                wijkteam=args[1] if len(args) == 2 else None,
                actor_telegram_id=user.telegram_id,
            )
    except DomainError as err:
        await reply_error(update, context, err, user.language)
        return
    expires = rt.deps.calendar.local(result.expires_at)
    lang = user.language
    await reply(
        update,
        context,
        "\n".join(
            [
                t(
                    lang,
                    "Uitnodiging voor een {rol} (wijkteam: {wijkteam}), geldig tot en met {datum}:",
                    rol=Text(result.role.label),
                    wijkteam=result.wijkteam or "-",
                    datum=expires.date(),
                ),
                f"<code>{users.format_code(result.code)}</code>",
                f"https://t.me/{context.bot.username}?start={result.code}",
                t(lang, "De code werkt één keer. Geef hem alleen door aan de collega zelf."),
            ]
        ),
    )
