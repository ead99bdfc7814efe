"""/vraag (topic, text) and the worker's answer, relayed to the asker with the question quoted."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, ConversationHandler, MessageHandler

from bot.rights import Action
from bot.services import dossiers, intake
from bot.vocabulary import VraagTopic
from handlers.flows import END, TEXT, TIMED_OUT, begin, button, conversation, draft, stopper, typed_text
from handlers.guards import domain_errors, pressed, pressed_by
from handlers.runtime import call, language, reply, runtime, user_data
from handlers.views.callbacks import AnswerVraag, TopicChoice
from handlers.views.cards import routed_line
from handlers.views.keyboards import choice
from handlers.views.notify import announce_vraag, answer_relay, deliver
from handlers.views.text import t

TOPIC, QUESTION = range(2)
ANSWER = 10
KEY = "vraag"
ANSWER_KEY = "antwoord"


async def start_vraag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/vraag: what is it about?"""
    user = await begin(update, context, KEY, Action.SUBMIT_VRAAG)
    if user is None:
        return END
    lang = user.language
    buttons = [(topic.label, TopicChoice(topic)) for topic in VraagTopic]
    await reply(update, context, t(lang, "Waar gaat je vraag over?"), choice(lang, buttons, 1))
    return TOPIC


async def pick_topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Topic button: ask for the question."""
    picked = await pressed(update, context, TopicChoice)
    if picked is None or update.callback_query is None:
        return TOPIC
    await update.callback_query.answer()
    draft(context, KEY)["topic"] = picked.topic.value
    await update.callback_query.edit_message_text(
        t(language(context), "Typ je vraag. Laat namen, BSN, adressen en andere persoonsgegevens weg.")
    )
    return QUESTION


@domain_errors(QUESTION)
async def question_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The question: screened, stored, routed, and the asker told who answers when."""
    assert update.effective_user is not None
    rt, lang = runtime(context), language(context)
    topic = VraagTopic(draft(context, KEY)["topic"])
    result = await call(
        context, intake.create_vraag, update.effective_user.id, text=typed_text(update), topic=topic
    )
    user_data(context).pop(KEY, None)
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
        context.bot,
        result.vraag,
        result.wijkteam.naam,
        result.routed,
        result.asker,
        result.deadline,
    )
    return END


@domain_errors(END, alert=True)
async def start_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Beantwoorden: the item is picked up, and the worker's next message is the answer."""
    found = await pressed_by(update, context, AnswerVraag)
    if found is None or update.callback_query is None:
        return END
    user, picked = found
    await call(context, dossiers.acknowledge, user.telegram_id, picked.ref)
    await update.callback_query.answer()
    user_data(context)[ANSWER_KEY] = {"ref": picked.ref}
    await reply(
        update,
        context,
        t(
            user.language,
            "Typ je antwoord op {ref}. Zonder persoonsgegevens; /annuleer stopt.",
            ref=picked.ref,
        ),
    )
    return ANSWER


@domain_errors(ANSWER)
async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The answer: screened, stored, and relayed to the asker with their question."""
    assert update.effective_user is not None
    lang, ref = language(context), draft(context, ANSWER_KEY)["ref"]
    answered = await call(context, dossiers.answer_vraag, update.effective_user.id, ref, typed_text(update))
    user_data(context).pop(ANSWER_KEY, None)
    asker = answered.asker
    if await deliver(context.bot, asker, answer_relay(answered)):
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
    return END


cancel = stopper(KEY, ANSWER_KEY)
timed_out = stopper(KEY, ANSWER_KEY, message=TIMED_OUT)


def vraag_conversation() -> ConversationHandler[Any]:
    """/vraag: the topic, then the question."""
    return conversation(
        "vraag",
        [CommandHandler("vraag", start_vraag)],
        {TOPIC: [button(pick_topic, TopicChoice)], QUESTION: [MessageHandler(TEXT, question_text)]},
        cancel,
        timed_out,
    )


def answer_conversation() -> ConversationHandler[Any]:
    """Beantwoorden: the worker's next message is the answer."""
    return conversation(
        "antwoord",
        [button(start_answer, AnswerVraag)],
        {ANSWER: [MessageHandler(TEXT, answer_text)]},
        cancel,
        timed_out,
    )
