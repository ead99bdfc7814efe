"""Who may do what: one table, checked by every service (and shown per role in the bot)."""

from __future__ import annotations

from enum import StrEnum

from bot.vocabulary import Role


class Action(StrEnum):
    SUBMIT_VRAAG = "submit_vraag"
    SUBMIT_MELDING = "submit_melding"
    HANDLE_ITEMS = "handle_items"  # pick up, hand over, record milestones, answer
    VIEW_ITEMS = "view_items"  # /zaken and /zaak: what one sent or handles
    VIEW_ALL = "view_all"  # every wijkteam's dossiers
    VIEW_STATUS = "view_status"
    VIEW_ROSTER = "view_roster"
    MANAGE_ROSTER = "manage_roster"
    REGISTER_ABSENCE = "register_absence"
    MANAGE_USERS = "manage_users"  # invite, block
    EXPORT = "export"


_WORKERS = frozenset({Role.KLANTMANAGER, Role.BUDGETCOACH, Role.TEAMLEIDER})

ALLOWED: dict[Action, frozenset[Role]] = {
    Action.SUBMIT_VRAAG: frozenset({Role.PARTNER}),
    Action.SUBMIT_MELDING: frozenset({Role.PARTNER, *_WORKERS}),
    Action.HANDLE_ITEMS: _WORKERS,
    Action.VIEW_ITEMS: frozenset({Role.PARTNER, *_WORKERS}),
    Action.VIEW_ALL: frozenset({Role.TEAMLEIDER}),
    Action.VIEW_STATUS: _WORKERS,
    Action.VIEW_ROSTER: frozenset({*_WORKERS, Role.BEHEERDER}),
    Action.MANAGE_ROSTER: frozenset({Role.TEAMLEIDER, Role.BEHEERDER}),
    Action.REGISTER_ABSENCE: _WORKERS,
    Action.MANAGE_USERS: frozenset({Role.BEHEERDER}),
    Action.EXPORT: frozenset({Role.TEAMLEIDER, Role.BEHEERDER}),
}


def roles_of(role: str, beheerder: bool) -> frozenset[Role]:
    """A user's roles: their one role, plus beheerder when combined."""
    roles = {Role(role)}
    if beheerder:
        roles.add(Role.BEHEERDER)
    return frozenset(roles)


def may(roles: frozenset[Role], action: Action) -> bool:
    """Whether any of the roles permits the action."""
    return bool(roles & ALLOWED[action])
