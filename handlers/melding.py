"""/melding: category, wijkteam, meldingsdatum (RIS date and number), description, confirmation."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, ContextTypes, ConversationHandler, MessageHandler

from bot.ddas import Signaalpartner
from bot.i18n import N_, Text
from bot.rights import Action
from bot.services import intake
from bot.vocabulary import Category
from handlers.flows import (
    ASKED,
    END,
    TEXT,
    ask,
    begin,
    button,
    clear_asked,
    clear_buttons,
    conversation,
    day_pressed,
    draft,
    stopper,
    typed_choice,
    typed_day,
    typed_text,
)
from handlers.guards import answer_stale, domain_errors, pressed
from handlers.runtime import call, language, reply, runtime, user_data
from handlers.views.callbacks import (
    ConfirmMelding,
    CrisisChoice,
    MeldingCategory,
    MeldingDay,
    MeldingTeam,
    OrganisationChoice,
    PartnerChoice,
    SkipDescription,
    SkipOrganisation,
    SkipRisNumber,
    WarmChoice,
)
from handlers.views.cards import past_due_warning, routed_line
from handlers.views.keyboards import choice, day_buttons, keyboard, pairs
from handlers.views.notify import announce_dossier
from handlers.views.text import label, t

CATEGORY, WIJKTEAM, DATE, RIS, PARTNER, ORGANISATION, CRISIS, WARM, DESCRIPTION, CONFIRM = range(10)
KEY = "melding"


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    return draft(context, KEY)


async def start_melding(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/melding: check the role, then ask the category."""
    user = await begin(update, context, KEY, Action.SUBMIT_MELDING)
    if user is None:
        return END
    lang = user.language
    buttons = [(c.label, MeldingCategory(c)) for c in Category]
    await ask(update, context, KEY, t(lang, "Nieuwe melding. Welke categorie?"), choice(lang, buttons, 1))
    return CATEGORY


@domain_errors(CATEGORY, alert=True)
async def pick_category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Category button: then the wijkteam (own first)."""
    picked = await pressed(update, context, MeldingCategory)
    if picked is None or update.callback_query is None or update.effective_user is None:
        return CATEGORY
    lang = language(context)
    teams = await call(context, intake.melding_wijkteams, update.effective_user.id)
    await update.callback_query.answer()
    _draft(context).update(category=picked.category.value, teams={w.code: w.naam for w in teams})
    buttons = [((w.naam + " ✓") if w.own else w.naam, MeldingTeam(w.code)) for w in teams]
    await update.callback_query.edit_message_text(
        t(lang, "Categorie: {categorie}. Voor welk wijkteam?", categorie=Text(picked.category.label)),
        reply_markup=keyboard(pairs(buttons, 1)),
    )
    return WIJKTEAM


async def pick_wijkteam(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Wijkteam button: then the date."""
    picked = await pressed(update, context, MeldingTeam)
    if picked is None or update.callback_query is None:
        return WIJKTEAM
    lang = language(context)
    await update.callback_query.answer()
    data = _draft(context)
    data["wijkteam"] = picked.wijkteam
    question = (
        t(lang, "Wat is de datum van de melding in RIS?")
        if data["category"] == Category.VROEGSIGNALERING
        else t(lang, "Wat is de meldingsdatum?")
    )
    edited = await update.callback_query.edit_message_text(
        question + "\n" + t(lang, "Kies een knop of typ een datum, bijvoorbeeld 3-12-2026."),
        reply_markup=day_buttons(lang, MeldingDay(0), MeldingDay(1)),
    )
    if not isinstance(edited, bool):  # a typed date takes these buttons away
        data[ASKED] = edited.message_id
    return DATE


async def _accept_date(update: Update, context: ContextTypes.DEFAULT_TYPE, day: date) -> int:
    intake.validate_meldingsdatum(runtime(context).deps, day)
    data = _draft(context)
    data["date"] = day.isoformat()
    if data["category"] == Category.VROEGSIGNALERING:
        lang = language(context)
        await ask(
            update,
            context,
            KEY,
            t(lang, "Wat is het RIS-nummer? Typ het, of kies Overslaan."),
            keyboard([[(label(lang, "Overslaan"), SkipRisNumber())]]),
        )
        return RIS
    return await _ask_description(update, context)


@domain_errors(DATE)
async def date_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Vandaag / Gisteren."""
    day = await day_pressed(update, context, MeldingDay, runtime(context).deps.today())
    if day is None:
        return DATE
    _draft(context).pop(ASKED, None)
    return await _accept_date(update, context, day)


@domain_errors(DATE)
async def date_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed date."""
    day = typed_day(update, runtime(context).deps.today())
    intake.validate_meldingsdatum(runtime(context).deps, day)
    await clear_asked(update, context, KEY)
    return await _accept_date(update, context, day)


@domain_errors(RIS)
async def ris_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The RIS number, checked before we go on."""
    _draft(context)["ris"] = intake.validate_ris_nummer(Category.VROEGSIGNALERING, typed_text(update))
    await clear_asked(update, context, KEY)
    return await _ask_partner(update, context)


async def ris_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """No RIS number."""
    await _pressed_away(update, context)
    return await _ask_partner(update, context)


async def _pressed_away(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of the question was pressed: its buttons go."""
    await clear_buttons(update)
    _draft(context).pop(ASKED, None)


def _with(prefix: str | None, question: str) -> str:
    return question if prefix is None else f"{prefix}\n{question}"


# -- a vroegsignaal's DDAS details: signaalpartner, organisation, crisis, warme overdracht -------


async def _ask_partner(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None) -> int:
    lang = language(context)
    buttons = [(p.label, PartnerChoice(p)) for p in Signaalpartner]
    question = t(lang, "Van welke soort signaalpartner komt het signaal?")
    await ask(update, context, KEY, _with(prefix, question), choice(lang, buttons))
    return PARTNER


def _organisations(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    return runtime(context).deps.config.vroegsignalering.organisaties


async def _accept_partner(update: Update, context: ContextTypes.DEFAULT_TYPE, partner: Signaalpartner) -> int:
    _draft(context)["partner"] = partner.value
    if not _organisations(context):
        return await _ask_crisis(update, context)
    return await _ask_organisation(update, context)


async def _ask_organisation(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None
) -> int:
    lang = language(context)
    buttons = [(name, OrganisationChoice(i)) for i, name in enumerate(_organisations(context))]
    question = t(lang, "Van welke organisatie? Of kies Overslaan.")
    markup = keyboard([*pairs(buttons, 2), [(label(lang, "Overslaan"), SkipOrganisation())]])
    await ask(update, context, KEY, _with(prefix, question), markup)
    return ORGANISATION


async def partner_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A signaalpartner button."""
    picked = await pressed(update, context, PartnerChoice)
    if picked is None:
        return PARTNER
    await _pressed_away(update, context)
    return await _accept_partner(update, context, picked.partner)


async def partner_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A signaalpartner typed by its name; anything else is refused and the question asked again
    (nothing typed here is repeated back: it may hold personal data)."""
    lang = language(context)
    partner = typed_choice(update, lang, [(p.label, p) for p in Signaalpartner])
    await clear_asked(update, context, KEY)
    if partner is None:
        return await _ask_partner(
            update, context, t(lang, "Die signaalpartner ken ik niet. Kies er een met de knoppen.")
        )
    return await _accept_partner(update, context, partner)


async def organisation_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """An organisation from the configured list (a button from an older list changes nothing)."""
    picked = await pressed(update, context, OrganisationChoice)
    organisations = _organisations(context)
    if picked is None or picked.index >= len(organisations):
        if picked is not None:
            await answer_stale(update, language(context))
        return ORGANISATION
    await _pressed_away(update, context)
    _draft(context)["organisatie"] = organisations[picked.index]
    return await _ask_crisis(update, context)


async def organisation_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """No organisation."""
    await _pressed_away(update, context)
    return await _ask_crisis(update, context)


async def organisation_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """An organisation (or Overslaan) typed by its name; anything else asks again."""
    lang = language(context)
    options: list[tuple[str, str | None]] = [(name, name) for name in _organisations(context)]
    found = typed_choice(update, lang, [*options, (N_("Overslaan"), "")])
    await clear_asked(update, context, KEY)
    if found is None:
        return await _ask_organisation(
            update, context, t(lang, "Kies een organisatie met de knoppen, of Overslaan.")
        )
    if found:
        _draft(context)["organisatie"] = found
    return await _ask_crisis(update, context)


YES_NO = [(N_("Ja"), True), (N_("Nee"), False)]


def _yes_no(lang: str, kind: type[CrisisChoice] | type[WarmChoice]) -> InlineKeyboardMarkup:
    return choice(lang, [(text, kind(value)) for text, value in YES_NO])


async def _ask_crisis(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None) -> int:
    lang = language(context)
    question = t(lang, "Is het een crisissignaal?")
    await ask(update, context, KEY, _with(prefix, question), _yes_no(lang, CrisisChoice))
    return CRISIS


async def _ask_warm(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None) -> int:
    lang = language(context)
    question = t(lang, "Is het een warme overdracht (er is al contact met de inwoner)?")
    await ask(update, context, KEY, _with(prefix, question), _yes_no(lang, WarmChoice))
    return WARM


async def _crisis(update: Update, context: ContextTypes.DEFAULT_TYPE, yes: bool) -> int:
    _draft(context)["crisis"] = yes
    return await _ask_warm(update, context)


async def _warm(update: Update, context: ContextTypes.DEFAULT_TYPE, yes: bool) -> int:
    _draft(context)["warm"] = yes
    return await _ask_description(update, context)


async def crisis_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Crisissignaal: yes or no; then warme overdracht."""
    picked = await pressed(update, context, CrisisChoice)
    if picked is None:
        return CRISIS
    await _pressed_away(update, context)
    return await _crisis(update, context, picked.yes)


async def crisis_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Ja or Nee typed; anything else asks again."""
    yes = typed_choice(update, language(context), YES_NO)
    await clear_asked(update, context, KEY)
    if yes is None:
        return await _ask_crisis(update, context, t(language(context), "Kies Ja of Nee."))
    return await _crisis(update, context, yes)


async def warm_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Warme overdracht: yes or no; then the description."""
    picked = await pressed(update, context, WarmChoice)
    if picked is None:
        return WARM
    await _pressed_away(update, context)
    return await _warm(update, context, picked.yes)


async def warm_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Ja or Nee typed; anything else asks again."""
    yes = typed_choice(update, language(context), YES_NO)
    await clear_asked(update, context, KEY)
    if yes is None:
        return await _ask_warm(update, context, t(language(context), "Kies Ja of Nee."))
    return await _warm(update, context, yes)


async def _ask_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = language(context)
    await ask(
        update,
        context,
        KEY,
        t(
            lang,
            "Beschrijf de situatie kort (bijvoorbeeld: huurachterstand 3 maanden). Zet er geen namen, "
            "adressen, BSN of andere persoonsgegevens in. Of kies Overslaan.",
        ),
        keyboard([[(label(lang, "Overslaan"), SkipDescription())]]),
    )
    return DESCRIPTION


@domain_errors(DESCRIPTION)
async def description_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The description, screened for personal data right away ("Overslaan" typed skips it)."""
    assert update.effective_user is not None
    if typed_choice(update, language(context), [(N_("Overslaan"), True)]):
        await clear_asked(update, context, KEY)
        return await _confirm(update, context)
    _draft(context)["description"] = await call(
        context, intake.check_description, update.effective_user.id, typed_text(update)
    )
    await clear_asked(update, context, KEY)
    return await _confirm(update, context)


async def description_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """No description."""
    await _pressed_away(update, context)
    return await _confirm(update, context)


async def _confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None) -> int:
    lang, data = language(context), _draft(context)
    lines = [
        t(lang, "<b>Klopt dit?</b>"),
        t(lang, "Categorie: {categorie}", categorie=Text(Category(data["category"]).label)),
        t(
            lang,
            "Wijkteam: {wijkteam}",
            wijkteam=data.get("teams", {}).get(data["wijkteam"], data["wijkteam"]),
        ),
        t(lang, "Meldingsdatum: {datum}", datum=date.fromisoformat(data["date"])),
    ]
    if data.get("ris"):
        lines.append(t(lang, "RIS-nummer: {nr}", nr=data["ris"]))
    if data.get("partner"):
        partner = Text(Signaalpartner(data["partner"]).label)
        organisation = data.get("organisatie")
        lines.append(
            t(lang, "Signaalpartner: {soort} ({organisatie})", soort=partner, organisatie=organisation)
            if organisation
            else t(lang, "Signaalpartner: {soort}", soort=partner)
        )
    if "crisis" in data:
        lines.append(t(lang, "Crisissignaal: {antwoord}", antwoord=Text(_ANSWER[data["crisis"]])))
    if "warm" in data:
        lines.append(t(lang, "Warme overdracht: {antwoord}", antwoord=Text(_ANSWER[data["warm"]])))
    if data.get("description"):
        lines.append(t(lang, "Omschrijving: {tekst}", tekst=data["description"]))
    buttons = [
        [(label(lang, "Versturen"), ConfirmMelding(True)), (label(lang, "Annuleren"), ConfirmMelding(False))]
    ]
    await ask(update, context, KEY, _with(prefix, "\n".join(lines)), keyboard(buttons))
    return CONFIRM


_ANSWER = {True: N_("ja"), False: N_("nee")}


@domain_errors(CONFIRM)
async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Versturen: open the dossier, route it, tell everyone; Annuleren: stop."""
    picked = await pressed(update, context, ConfirmMelding)
    if picked is None:
        return CONFIRM
    await _pressed_away(update, context)
    return await _send(update, context) if picked.send else await cancel(update, context)


@domain_errors(CONFIRM)
async def confirm_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Versturen or Annuleren typed; anything else shows the summary again."""
    lang = language(context)
    send = typed_choice(update, lang, [(N_("Versturen"), True), (N_("Annuleren"), False)])
    await clear_asked(update, context, KEY)
    if send is None:
        return await _confirm(update, context, t(lang, "Kies Versturen of Annuleren."))
    return await _send(update, context) if send else await cancel(update, context)


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Open the dossier, route it, tell the sender, the holder and (when needed) the teamleiders."""
    assert update.effective_user is not None
    data, rt, lang = _draft(context), runtime(context), language(context)
    result = await call(
        context,
        intake.create_melding,
        update.effective_user.id,
        category=Category(data["category"]),
        meldingsdatum=date.fromisoformat(data["date"]),
        description=data.get("description"),
        wijkteam=data["wijkteam"],
        ris_nummer=data.get("ris"),
        signaal=intake.Signaal(
            Signaalpartner(data["partner"]) if data.get("partner") else None,
            data.get("organisatie"),
            data.get("crisis"),
            data.get("warm"),
        ),
    )
    user_data(context).pop(KEY, None)
    lines = [
        t(lang, "✅ Melding verstuurd: <b>{ref}</b>", ref=result.dossier.ref),
        routed_line(lang, result.routed, rt.deps.today()),
    ]
    first = result.first_deadline
    if first is not None and first.due_date is not None:
        lines.append(
            t(
                lang,
                "Eerste termijn ({norm}): uiterlijk {datum}.",
                norm=rt.deps.config.norm_name(first.norm, lang),
                datum=first.due_date,
            )
        )
        if first.due_date < rt.deps.today():
            lines.append(past_due_warning(lang, first.due_date))
    await reply(update, context, "\n".join(lines))
    await announce_dossier(
        context.bot,
        rt.deps.config,
        result.dossier,
        result.wijkteam.naam,
        result.routed,
        first,
        result.sender,
        rt.deps.today(),
    )
    return END


cancel = stopper(KEY)
timed_out = stopper(
    KEY,
    message=N_(
        "Je melding is gestopt omdat het te lang stil bleef. Er is niets opgeslagen; "
        "begin opnieuw met /melding."
    ),
)


def melding_conversation() -> ConversationHandler[Any]:
    """/melding, step by step."""
    return conversation(
        "melding",
        [CommandHandler("melding", start_melding)],
        {
            CATEGORY: [button(pick_category, MeldingCategory)],
            WIJKTEAM: [button(pick_wijkteam, MeldingTeam)],
            DATE: [button(date_button, MeldingDay), MessageHandler(TEXT, date_text)],
            RIS: [button(ris_skip, SkipRisNumber), MessageHandler(TEXT, ris_text)],
            PARTNER: [button(partner_button, PartnerChoice), MessageHandler(TEXT, partner_text)],
            ORGANISATION: [
                button(organisation_button, OrganisationChoice),
                button(organisation_skip, SkipOrganisation),
                MessageHandler(TEXT, organisation_text),
            ],
            CRISIS: [button(crisis_button, CrisisChoice), MessageHandler(TEXT, crisis_text)],
            WARM: [button(warm_button, WarmChoice), MessageHandler(TEXT, warm_text)],
            DESCRIPTION: [button(description_skip, SkipDescription), MessageHandler(TEXT, description_text)],
            CONFIRM: [button(confirm, ConfirmMelding), MessageHandler(TEXT, confirm_text)],
        },
        cancel,
        timed_out,
    )
