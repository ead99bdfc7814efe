"""Which commands each role sees: the /help list and Telegram's command menu (setMyCommands)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot import i18n
from bot.i18n import N_
from bot.rights import Action, may, roles_of

if TYPE_CHECKING:
    from bot.models import User

logger = logging.getLogger(__name__)

# (command, description, the actions of which any unlocks it; none: everyone registered)
COMMANDS: list[tuple[str, str, tuple[Action, ...]]] = [
    ("melding", N_("een inwoner aanmelden (melding)"), (Action.SUBMIT_MELDING,)),
    ("vraag", N_("een schuldvraag stellen"), (Action.SUBMIT_VRAAG,)),
    ("zaken", N_("mijn open zaken"), (Action.VIEW_ITEMS,)),
    ("zaak", N_("één zaak bekijken: /zaak SH-2026-0042"), (Action.VIEW_ITEMS,)),
    ("afwezig", N_("afwezigheid doorgeven"), (Action.REGISTER_ABSENCE, Action.MANAGE_ROSTER)),
    ("rooster", N_("het rooster van deze week"), (Action.VIEW_ROSTER,)),
    ("status", N_("hoe staan de normen ervoor"), (Action.VIEW_STATUS,)),
    ("export", N_("kwartaalrapportage (XLSX): /export 2026-K3"), (Action.EXPORT,)),
    ("uitnodigen", N_("een collega uitnodigen: /uitnodigen partner drunen"), (Action.MANAGE_USERS,)),
    ("blokkeren", N_("een collega blokkeren of weer toelaten"), (Action.MANAGE_USERS,)),
    ("taal", N_("taal kiezen (nl/en)"), ()),
    ("privacy", N_("wat de bot bewaart en waarom"), ()),
    ("help", N_("uitleg"), ()),
    ("annuleer", N_("stop wat je nu aan het doen bent"), ()),
]

PUBLIC = [
    ("start", N_("je registreren met je uitnodigingscode")),
    ("help", N_("uitleg")),
]


def commands_for(user: User) -> list[tuple[str, str]]:
    """The (command, description msgid) pairs the user's roles unlock, in menu order."""
    roles = roles_of(user.role, user.beheerder)
    return [(c, d) for c, d, actions in COMMANDS if not actions or any(may(roles, a) for a in actions)]


def _bot_commands(pairs: list[tuple[str, str]], lang: str) -> list[BotCommand]:
    return [BotCommand(cmd, i18n.gettext(desc, lang)) for cmd, desc in pairs]


async def set_default_commands(bot: Bot) -> None:
    """What an unregistered account sees: Dutch by default, English for English clients."""
    await bot.set_my_commands(_bot_commands(PUBLIC, i18n.DEFAULT_LANGUAGE), scope=BotCommandScopeDefault())
    await bot.set_my_commands(_bot_commands(PUBLIC, "en"), scope=BotCommandScopeDefault(), language_code="en")


async def set_user_commands(bot: Bot, user: User) -> None:
    """The user's own menu, in their language; a failure here must not break the flow."""
    try:
        await bot.set_my_commands(
            _bot_commands(commands_for(user), user.language), scope=BotCommandScopeChat(user.telegram_id)
        )
    except TelegramError as exc:
        logger.warning("setMyCommands for user %s failed: %s", user.id, type(exc).__name__)
