"""Inline keyboards: which buttons a person gets for an item, a dossier, a reminder or a date."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.vocabulary import FINANCIELE_RUST_CRITERIA, Milestone
from handlers.views.callbacks import (
    AnswerVraag,
    Button,
    HandOver,
    OpenDossier,
    PickUp,
    RecordMilestone,
    RustStart,
)
from handlers.views.text import label

Row = Sequence[tuple[str, Button]]


def keyboard(rows: Sequence[Row]) -> InlineKeyboardMarkup:
    """Inline buttons from (label, button data) rows; empty rows are left out."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data.pack()) for text, data in row] for row in rows if row]
    )


def pairs(buttons: Sequence[tuple[str, Button]], per_row: int = 2) -> list[list[tuple[str, Button]]]:
    """Lay buttons out a few per row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def choice(lang: str, options: Sequence[tuple[str, Button]], per_row: int = 2) -> InlineKeyboardMarkup:
    """Buttons with translated labels (msgids), a few per row."""
    return keyboard(pairs([(label(lang, text), data) for text, data in options], per_row))


def new_item_buttons(lang: str, ref: str, is_vraag: bool) -> InlineKeyboardMarkup:
    """Oppakken and Overdragen, plus Beantwoorden (first) for a vraag."""
    row = [(label(lang, "Oppakken"), PickUp(ref)), (label(lang, "Overdragen"), HandOver(ref))]
    if is_vraag:
        return keyboard([[(label(lang, "Beantwoorden"), AnswerVraag(ref))], row])
    return keyboard([row])


def vraag_buttons(lang: str, ref: str) -> InlineKeyboardMarkup:
    """A vraag once picked up: Beantwoorden and Overdragen."""
    return keyboard(
        [[(label(lang, "Beantwoorden"), AnswerVraag(ref)), (label(lang, "Overdragen"), HandOver(ref))]]
    )


def answer_button(lang: str, ref: str) -> InlineKeyboardMarkup:
    return keyboard([[(label(lang, "Beantwoorden"), AnswerVraag(ref))]])


def open_dossier_button(lang: str, ref: str) -> InlineKeyboardMarkup:
    return keyboard([[(label(lang, "Dossier openen"), OpenDossier(ref))]])


def milestone_buttons(lang: str, ref: str, steps: Sequence[Milestone], last_row: Row) -> InlineKeyboardMarkup:
    """One button per milestone that fits, two a row, then the last row; the criteria of
    financiële rust share one button (they are ticked off together)."""
    buttons: list[tuple[str, Button]] = []
    for m in steps:
        if m not in FINANCIELE_RUST_CRITERIA:
            buttons.append((label(lang, m.label), RecordMilestone(ref, m)))
        elif not any(isinstance(b, RustStart) for _, b in buttons):
            buttons.append((label(lang, Milestone.FINANCIELE_RUST.label), RustStart(ref)))
    rows = pairs(buttons)
    rows.append(list(last_row))
    return keyboard(rows)


def working_buttons(lang: str, ref: str, steps: Sequence[Milestone]) -> InlineKeyboardMarkup:
    """A picked-up dossier: the milestones that fit, then Overdragen and Afsluiten."""
    return milestone_buttons(
        lang,
        ref,
        steps,
        [
            (label(lang, "Overdragen"), HandOver(ref)),
            (label(lang, "Afsluiten"), RecordMilestone(ref, Milestone.AFGESLOTEN)),
        ],
    )


def day_buttons(lang: str, today: Button, yesterday: Button) -> InlineKeyboardMarkup:
    """Vandaag and Gisteren, for a date step that also accepts a typed date."""
    return keyboard([[(label(lang, "Vandaag"), today), (label(lang, "Gisteren"), yesterday)]])
