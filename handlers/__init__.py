"""Telegram handlers: thin callbacks that parse an update, check the role, call one service and
reply. What a person sees is built in handlers.views (shared with the scheduler).

`register` adds every handler, in this order: first, in group -2, the once-only guard (an update
Telegram delivers again is not handled twice); in group -1, the private-chat guard (in a
group the bot says one line and stops); then, all in group 0, so exactly one handler takes each
update:
  1. the guided flows (/melding, /vraag, answering a vraag, recording a milestone, Overdragen,
     /afwezig), each ending on /annuleer or after CONVERSATION_TIMEOUT;
  2. the plain commands and the one-shot buttons;
  3. the catch-all, last: it explains invites to strangers, points users to /help and answers
     stale buttons.
The handler modules are imported inside `register`, so importing handlers.views (as the
scheduler does) loads no handler.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import Application

# A guided flow ends after this much silence (handlers.flows builds them).
CONVERSATION_TIMEOUT = timedelta(minutes=30)

__all__ = ["CONVERSATION_TIMEOUT", "register"]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler in the documented order, and the error handler."""
    from telegram import Update
    from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

    from handlers import accounts, melding, roster, start, status, vraag, work
    from handlers.errors import on_error
    from handlers.flows import button
    from handlers.guards import only_once, only_private
    from handlers.views import callbacks as cb

    application.add_handler(TypeHandler(Update, only_once), group=-2)  # a redelivered update: skip
    application.add_handler(TypeHandler(Update, only_private), group=-1)  # private chats only

    application.add_handlers(
        [
            melding.melding_conversation(),
            vraag.vraag_conversation(),
            vraag.answer_conversation(),
            work.milestone_conversation(),
            work.hand_over_conversation(),
            roster.absence_conversation(),
        ]
    )
    application.add_handlers(
        [
            CommandHandler("start", start.start),
            CommandHandler("help", start.help_command),
            CommandHandler("privacy", start.privacy),
            CommandHandler("taal", start.choose_language),
            CommandHandler("zaken", work.list_my_items),
            CommandHandler("zaak", work.show_dossier),
            CommandHandler("rooster", roster.show_roster),
            CommandHandler("status", status.show_status),
            CommandHandler("export", status.export_quarter),
            CommandHandler("uitnodigen", start.invite_colleague),
            CommandHandler("blokkeren", accounts.show_accounts),
            CommandHandler("annuleer", start.nothing_to_cancel),
            button(start.set_language, cb.LanguageChoice),
            button(work.acknowledge, cb.PickUp),
            button(work.hand_over, cb.HandOverTo),
            button(work.open_dossier, cb.OpenDossier),
            button(work.open_vraag, cb.OpenVraag),
            button(roster.roster_week, cb.RosterWeek),
            button(roster.roster_edit, cb.RosterEdit),
            button(roster.roster_team, cb.RosterTeam),
            button(roster.roster_toggle, cb.RosterToggle),
            button(roster.roster_done, cb.RosterDone),
            button(roster.roster_day, cb.RosterDay),
            button(roster.roster_day_toggle, cb.RosterDayToggle),
            button(roster.roster_day_reset, cb.RosterDayReset),
            button(accounts.choose_account, cb.AccountChoice),
            button(accounts.confirm_account, cb.AccountConfirm),
            button(accounts.cancel_account, cb.AccountCancel),
            MessageHandler(filters.ALL, start.unknown),
            CallbackQueryHandler(start.unknown),
        ]
    )
    application.add_error_handler(on_error)
