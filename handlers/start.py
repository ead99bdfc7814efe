"""Joining and the basics: /start <code>, /help, /privacy, /taal, /uitnodigen, and everything no
other handler took."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.errors import DomainError
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, N_, Text
from bot.rights import Action
from bot.services import users
from bot.vocabulary import Role
from handlers.accounts import tell_overseers
from handlers.guards import answer_stale, current_user, domain_errors, explain_invite, pressed_by, registered
from handlers.runtime import call, remember_language, reply, runtime, session_for
from handlers.views.callbacks import LanguageChoice
from handlers.views.keyboards import keyboard
from handlers.views.menus import set_user_commands
from handlers.views.notify import deliver
from handlers.views.pages import help_text, privacy_text
from handlers.views.text import t

INVITE_USAGE = N_(
    "Gebruik: /uitnodigen ROL [WIJKTEAM], bijvoorbeeld /uitnodigen partner drunen. "
    "Rollen: partner, klantmanager, budgetcoach, teamleider, beheerder."
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [code]: register with an invite, or greet a known user."""
    assert update.effective_user is not None
    user = await current_user(update, context)
    if user is not None:
        if not user.active:
            await reply(
                update,
                context,
                t(DEFAULT_LANGUAGE, "Je account is geblokkeerd. Neem contact op met de beheerder."),
            )
            return
        await reply(update, context, t(user.language, "Welkom terug, {naam}.", naam=user.display_name))
        await help_command(update, context)
        return
    if not context.args:
        await explain_invite(update, context)
        return
    gate = await call(context, users.code_gate, update.effective_user.id)
    if gate is users.CodeGate.LOCKED:
        await reply(
            update,
            context,
            t(DEFAULT_LANGUAGE, "Te veel onjuiste codes. Probeer het over een kwartier opnieuw."),
        )
        return
    if gate is users.CodeGate.SLOWED:
        await reply(
            update,
            context,
            t(
                DEFAULT_LANGUAGE,
                "Er worden veel onjuiste codes geprobeerd. Probeer het over een minuut opnieuw.",
            ),
        )
        return
    await _register(update, context)


@domain_errors()  # a wrong code: the reason, and it counts towards the lock-out
async def _register(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user is not None and context.args
    telegram_id, code = update.effective_user.id, context.args[0]
    try:
        user = await call(
            context,
            users.register,
            telegram_id,
            code,
            fallback_name=update.effective_user.full_name,
            language=DEFAULT_LANGUAGE,
        )
    except DomainError:
        for beheerder in await call(context, users.record_wrong_code, telegram_id):
            await deliver(
                context.bot,
                beheerder,
                t(
                    beheerder.language,
                    "⚠️ Het afgelopen uur zijn veel onjuiste uitnodigingscodes geprobeerd. "
                    "Nieuwe pogingen gaan nu langzamer.",
                ),
            )
        raise
    remember_language(context, user.language)
    await set_user_commands(context.bot, user)
    await tell_overseers(context, user)
    await reply(
        update,
        context,
        t(
            user.language,
            "Welkom, {naam}! Je bent geregistreerd als {rol} (wijkteam: {wijkteam}).",
            naam=user.display_name,
            rol=Text(Role(user.role).label),
            wijkteam=user.wijkteam.naam if user.wijkteam else "-",
        ),
    )
    await help_command(update, context)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what this user can do, by role."""
    user = await registered(update, context)
    if user is not None:
        await reply(update, context, help_text(user))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what the bot stores and why."""
    user = await registered(update, context)
    if user is not None:
        days = runtime(context).deps.config.bewaartermijn_vrije_tekst_dagen
        await reply(update, context, privacy_text(user.language, days))


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/taal: buttons for Nederlands and English."""
    user = await registered(update, context)
    if user is not None:
        markup = keyboard([[(name, LanguageChoice(code)) for code, name in LANGUAGE_NAMES.items()]])
        await reply(update, context, t(user.language, "Welke taal wil je?"), markup)


async def set_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Language button: store the choice and refresh the command menu."""
    found = await pressed_by(update, context, LanguageChoice)
    if found is None or update.callback_query is None:
        return
    user, choice = found
    user = await call(context, users.set_language, user.telegram_id, choice.language)
    remember_language(context, user.language)
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(t(user.language, "Taal ingesteld: Nederlands."))
    await set_user_commands(context.bot, user)


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything no other handler took: the invite text for strangers, a pointer to /help for users,
    a polite answer for a stale button."""
    user = await registered(update, context)
    if user is None:
        return
    if update.callback_query is not None:
        await answer_stale(update, user.language)
        return
    await reply(update, context, t(user.language, "Dat begrijp ik niet. Typ /help voor wat je kunt doen."))


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/annuleer outside a flow."""
    user = await registered(update, context)
    if user is not None:
        await reply(update, context, t(user.language, "Er is niets om te stoppen."))


@domain_errors()
async def invite_colleague(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/uitnodigen ROL [WIJKTEAM]: a one-time code and its link (beheerder)."""
    user = await registered(update, context, Action.MANAGE_USERS)
    if user is None:
        return
    args, lang = context.args or [], user.language
    if not args or args[0].lower() not in {r.value for r in Role} or len(args) > 2:
        await reply(update, context, t(lang, INVITE_USAGE))
        return
    rt = runtime(context)
    async with session_for(context) as session:
        result = await users.create_invite(
            session,
            rt.deps,
            role=Role(args[0].lower()),
            wijkteam=args[1] if len(args) == 2 else None,
            actor_telegram_id=user.telegram_id,
        )
    expires = rt.deps.calendar.local(result.expires_at)
    team = next((w.naam for w in rt.deps.config.wijkteams if w.code == result.wijkteam), None)
    lines = [
        t(
            lang,
            "Uitnodiging voor een {rol} (wijkteam: {wijkteam}), geldig tot en met {datum}:",
            rol=Text(result.role.label),
            wijkteam=team,
            datum=expires.date(),
        )
        if team
        else t(
            lang,
            "Uitnodiging voor een {rol}, geldig tot en met {datum}:",
            rol=Text(result.role.label),
            datum=expires.date(),
        ),
        f"<code>{users.format_code(result.code)}</code>",
        f"https://t.me/{context.bot.username}?start={result.code}",
        t(lang, "De code werkt één keer. Geef hem alleen door aan de collega zelf."),
    ]
    await reply(update, context, "\n".join(lines))
