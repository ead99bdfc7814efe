"""Domain errors: a Dutch (translatable) message for the user, nothing changed."""

from __future__ import annotations

from typing import Any

from bot.i18n import DEFAULT_LANGUAGE, N_, Text


class DomainError(Exception):
    """Bad input or a forbidden action; the service rolled back and the text explains why."""

    def __init__(self, message: str, **params: Any) -> None:
        self.text = Text(message, params)
        super().__init__(self.text.render(DEFAULT_LANGUAGE))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in the reader's language."""
        return self.text.render(lang)


NOT_ALLOWED = N_("Dat mag je met jouw rol niet doen.")


class NotAllowed(DomainError):
    """The actor's role or relation to the item does not permit this."""

    def __init__(self, message: str = NOT_ALLOWED, **params: Any) -> None:
        super().__init__(message, **params)


class NotFound(DomainError):
    """The item does not exist, or the actor may not know it exists."""


class InvalidDate(DomainError):
    """A date that cannot be used here: ask for another one."""
