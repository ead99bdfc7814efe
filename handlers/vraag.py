"""/vraag (topic, text) and the worker's answer, relayed to the asker with the question quoted."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.errors import DomainError
from bot.rights import Action
from bot.services import dossiers, intake
from bot.vocabulary import VraagTopic
from handlers.cards import TOPIC_LABELS, routed_line
from handlers.common import (
    keyboard,
    label,
    pressed,
    pressed_by_user,
    reply,
    reply_error,
    runtime,
    session_for,
    t,
)
from handlers.notify import announce_vraag, deliver
from handlers.start import active_user

TOPIC, TEXT = range(2)
ANSWER = 10
KEY = "vraag"
ANSWER_KEY = "antwoord"


def _lang(context: ContextTypes.DEFAULT_TYPE, key: str = KEY) -> str:
    assert context.user_data is not None
    return str(context.user_data.get(key, {}).get("lang", "nl"))


async def start_vraag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/vraag: what is it about?"""
    user = await active_user(update, context, Action.SUBMIT_VRAAG)
    if user is None:
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[KEY] = {"lang": user.language}
    lang = user.language
    buttons = [[(label(lang, TOPIC_LABELS[topic]), f"vt:{topic.value}")] for topic in VraagTopic]
    await reply(update, context, t(lang, "Waar gaat je vraag over?"), keyboard(buttons))
    return TOPIC


async def pick_topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Topic button: ask for the question."""
    lang = _lang(context)
    parts = await pressed(update, "vt", 1, lang, lambda p: p[0] in {v.value for v in VraagTopic})
    if parts is None:
        return TOPIC
    assert update.callback_query is not None and context.user_data is not None
    await update.callback_query.answer()
    context.user_data[KEY]["topic"] = parts[0]
    await update.callback_query.edit_message_text(
        t(lang, "Typ je vraag. Laat namen, BSN, adressen en andere persoonsgegevens weg.")
    )
    return TEXT


async def question_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The question: screened, stored, routed, and the asker told who answers when."""
    lang = _lang(context)
    assert update.message is not None and update.message.text is not None
    assert update.effective_user is not None and context.user_data is not None
    rt = runtime(context)
    topic = VraagTopic(context.user_data[KEY]["topic"])
    try:
        async with session_for(context) as session:
            result = await intake.create_vraag(
                session, rt.deps, update.effective_user.id, text=update.message.text, topic=topic
            )
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return TEXT
    context.user_data.pop(KEY, None)
    lines = [
        t(lang, "✅ Je vraag is verstuurd: <b>{ref}</b>", ref=result.vraag.ref),
        routed_line(lang, result.routed, rt.deps.today()),
    ]
    if result.deadline is not None and result.deadline.due_date is not None:
        lines.append(
            t(lang, "Je krijgt uiterlijk {datum} antwoord, hier in de chat.", datum=result.deadline.due_date)
        )
    await reply(update, context, "\n".join(lines))
    await announce_vraag(
        context,
        result.vraag,
        result.wijkteam.naam,
        result.routed.assignee,
        result.asker,
        result.deadline,
        result.routed.teamleiders,
    )
    return ConversationHandler.END


async def start_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Beantwoorden: the worker's next message is the answer."""
    found = await pressed_by_user(update, context, "ans", 1)
    if found is None:
        return ConversationHandler.END
    user, parts = found
    lang = user.language
    rt = runtime(context)
    try:
        async with session_for(context) as session:
            await dossiers.acknowledge(session, rt.deps, user.telegram_id, parts[0])
    except DomainError as err:
        assert update.callback_query is not None
        await update.callback_query.answer(err.render(lang), show_alert=True)
        return ConversationHandler.END
    assert update.callback_query is not None and context.user_data is not None
    await update.callback_query.answer()
    context.user_data[ANSWER_KEY] = {"lang": lang, "ref": parts[0]}
    await reply(
        update,
        context,
        t(lang, "Typ je antwoord op {ref}. Zonder persoonsgegevens; /annuleer stopt.", ref=parts[0]),
    )
    return ANSWER


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The answer: screened, stored, and relayed to the asker with their question."""
    lang = _lang(context, ANSWER_KEY)
    assert update.message is not None and update.message.text is not None
    assert update.effective_user is not None and context.user_data is not None
    ref = context.user_data[ANSWER_KEY]["ref"]
    rt = runtime(context)
    try:
        async with session_for(context) as session:
            answered = await dossiers.answer_vraag(
                session, rt.deps, update.effective_user.id, ref, update.message.text
            )
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return ANSWER
    context.user_data.pop(ANSWER_KEY, None)
    asker = answered.asker
    relay = "\n".join(
        [
            t(asker.language, "💬 Antwoord op je vraag <b>{ref}</b>", ref=answered.vraag.ref),
            f"<blockquote>{html.escape(answered.vraag.text or '')}</blockquote>",
            html.escape(answered.vraag.answer or ""),
            t(asker.language, "— {wie}", wie=answered.answered_by.display_name),
        ]
    )
    delivered = await deliver(context, asker, relay)
    if delivered:
        await reply(
            update, context, t(lang, "✅ Je antwoord is verstuurd naar {naam}.", naam=asker.display_name)
        )
    else:
        await reply(
            update,
            context,
            t(
                lang,
                "Je antwoord is opgeslagen, maar {naam} is via Telegram niet bereikbaar.",
                naam=asker.display_name,
            ),
        )
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/annuleer: nothing is stored."""
    assert context.user_data is not None
    lang = _lang(context) if KEY in context.user_data else _lang(context, ANSWER_KEY)
    context.user_data.pop(KEY, None)
    context.user_data.pop(ANSWER_KEY, None)
    await reply(update, context, t(lang, "Gestopt. Er is niets opgeslagen."))
    return ConversationHandler.END


async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Too long without an answer: end and say so."""
    assert context.user_data is not None
    lang = _lang(context) if KEY in context.user_data else _lang(context, ANSWER_KEY)
    context.user_data.pop(KEY, None)
    context.user_data.pop(ANSWER_KEY, None)
    await reply(update, context, t(lang, "Gestopt omdat het te lang stil bleef. Er is niets opgeslagen."))
    return ConversationHandler.END
