"""Telegram handlers: thin callbacks that parse an update, call one service and reply.

All handlers are registered here, in this order:
  1. the conversations (/melding, /vraag, answering a vraag, recording a milestone, /afwezig),
     each ending on /annuleer or after CONVERSATION_TIMEOUT;
  2. the plain commands and the one-shot buttons;
  3. the catch-all, last: it explains invites to strangers, points users to /help and answers
     stale buttons. All in group 0, so exactly one handler takes each update.
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from handlers import melding, roster, start, status, vraag, work
from handlers.errors import on_error

CONVERSATION_TIMEOUT = timedelta(minutes=30)
TEXT = filters.TEXT & ~filters.COMMAND


def _conversation(name: str, entry, states, cancel, timeout=None) -> ConversationHandler[Any]:  # type: ignore[no-untyped-def]
    states = dict(states)
    if timeout is not None:
        states[ConversationHandler.TIMEOUT] = [
            MessageHandler(filters.ALL, timeout),
            CallbackQueryHandler(timeout),
        ]
    with warnings.catch_warnings():
        # Buttons are tracked per chat and user on purpose (per_message=False).
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=entry,
            states=states,
            fallbacks=[CommandHandler("annuleer", cancel)],
            conversation_timeout=CONVERSATION_TIMEOUT,
            name=name,
            allow_reentry=True,
        )


def conversations() -> list[ConversationHandler[Any]]:
    """The guided flows, by name."""
    return [
        _conversation(
            "melding",
            [CommandHandler("melding", melding.start_melding)],
            {
                melding.CATEGORY: [CallbackQueryHandler(melding.pick_category, pattern=r"^mc:")],
                melding.WIJKTEAM: [CallbackQueryHandler(melding.pick_wijkteam, pattern=r"^mw:")],
                melding.DATE: [
                    CallbackQueryHandler(melding.date_button, pattern=r"^md:"),
                    MessageHandler(TEXT, melding.date_text),
                ],
                melding.RIS: [
                    CallbackQueryHandler(melding.ris_skip, pattern=r"^mr:skip$"),
                    MessageHandler(TEXT, melding.ris_text),
                ],
                melding.DESCRIPTION: [
                    CallbackQueryHandler(melding.description_skip, pattern=r"^mo:skip$"),
                    MessageHandler(TEXT, melding.description_text),
                ],
                melding.CONFIRM: [CallbackQueryHandler(melding.confirm, pattern=r"^mk:")],
            },
            melding.cancel,
            melding.timed_out,
        ),
        _conversation(
            "vraag",
            [CommandHandler("vraag", vraag.start_vraag)],
            {
                vraag.TOPIC: [CallbackQueryHandler(vraag.pick_topic, pattern=r"^vt:")],
                vraag.TEXT: [MessageHandler(TEXT, vraag.question_text)],
            },
            vraag.cancel,
            vraag.timed_out,
        ),
        _conversation(
            "antwoord",
            [CallbackQueryHandler(vraag.start_answer, pattern=r"^ans:")],
            {vraag.ANSWER: [MessageHandler(TEXT, vraag.answer_text)]},
            vraag.cancel,
            vraag.timed_out,
        ),
        _conversation(
            "mijlpaal",
            [CallbackQueryHandler(work.start_milestone, pattern=r"^ms:")],
            {
                work.WAY: [CallbackQueryHandler(work.pick_way, pattern=r"^msw:")],
                work.REACHED: [CallbackQueryHandler(work.pick_reached, pattern=r"^msr:")],
                work.SELF_RELIANT: [CallbackQueryHandler(work.pick_self_reliant, pattern=r"^mss:")],
                work.REASON: [CallbackQueryHandler(work.pick_reason, pattern=r"^msc:")],
                work.DAY: [
                    CallbackQueryHandler(work.day_button, pattern=r"^msd:"),
                    MessageHandler(TEXT, work.day_text),
                ],
            },
            work.cancel,
            work.timed_out,
        ),
        _conversation(
            "afwezig",
            [CommandHandler("afwezig", roster.start_absence)],
            {
                roster.ABSENCE: [
                    CallbackQueryHandler(roster.absence_button, pattern=r"^af:"),
                    MessageHandler(TEXT, roster.absence_text),
                ]
            },
            roster.cancel,
        ),
    ]


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add every handler in the documented order, and the error handler."""
    for conversation in conversations():
        application.add_handler(conversation)
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
            CommandHandler("annuleer", start.nothing_to_cancel),
            CallbackQueryHandler(start.set_language, pattern=r"^taal:"),
            CallbackQueryHandler(work.acknowledge, pattern=r"^ack:"),
            CallbackQueryHandler(work.choose_colleague, pattern=r"^ho:"),
            CallbackQueryHandler(work.hand_over, pattern=r"^hot:"),
            CallbackQueryHandler(work.open_dossier, pattern=r"^zk:"),
            CallbackQueryHandler(roster.roster_button, pattern=r"^ro:"),
            MessageHandler(filters.ALL, start.unknown),
            CallbackQueryHandler(start.unknown),
        ]
    )
    application.add_error_handler(on_error)
