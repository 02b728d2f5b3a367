"""People and roles: argon2-hashed passwords, panel memberships, who may see which panel."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openpeel.errors import UserInputError
from openpeel.reference.forces import forces, unknown_force_message
from openpeel.scrutiny import audit
from openpeel.scrutiny.models import ROLES, Panel, PanelMembership, User, WebSession, utcnow

MIN_PASSWORD_LENGTH = 12
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
#: Roles that see every panel; the others see only the panels they belong to.
ALL_PANELS_ROLES = ("administrator", "analyst")

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


class UserError(UserInputError):
    """A bad username, role, password or membership: a user error."""


@dataclass(frozen=True)
class UserSummary:
    """A user as listed (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    is_active: bool
    panels: str


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    """Raise UserError unless the password is long enough."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    actor_id: int | None = None,
) -> User:
    """Create a user; the username is lower case letters, digits, dot, dash, underscore."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise UserError(
            f"bad username {username!r}: use 2-64 lower-case letters, digits, '.', '_' or '-'"
        )
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    check_password_rules(password)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError(f"user {username!r} already exists")
    user = User(
        username=username,
        display_name=(display_name or username).strip()[:200],
        role=role,
        password_hash=hash_password(password),
    )
    return audit.created(session, actor_id, "user", user, {"username": username, "role": role})


def get_user(session: Session, username: str) -> User:
    """The user with this username, or UserError."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise UserError(f"no user {username!r}")
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user whose password matches, else None (constant work for unknown names)."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def end_all_sessions(session: Session, user_id: int) -> None:
    """Delete every web session of a user: after any change of credential or status, whoever
    makes it (the web form, the CLI, a notebook), no old session lives on or comes back."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def set_password(session: Session, user: User, password: str, actor_id: int | None) -> None:
    """Replace a user's password (audited; the hash is never logged); every session ends."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(session, user.id)
    audit.record(session, actor_id, "set_password", "user", user.id, {})


def set_active(session: Session, user: User, is_active: bool, actor_id: int | None) -> None:
    """Enable or disable a user's login; every session ends either way (re-enabling never
    revives a session from before the disabling)."""
    user.is_active = is_active
    end_all_sessions(session, user.id)
    audit.record(session, actor_id, "set_active", "user", user.id, {"is_active": is_active})


def list_users(session: Session) -> list[UserSummary]:
    """Every user with the names of their panels."""
    out = []
    for user in session.scalars(select(User).order_by(User.username)):
        names = session.scalars(
            select(Panel.name)
            .join(PanelMembership, PanelMembership.panel_id == Panel.id)
            .where(PanelMembership.user_id == user.id)
            .order_by(Panel.name)
        ).all()
        out.append(
            UserSummary(
                user.id,
                user.username,
                user.display_name,
                user.role,
                user.is_active,
                ", ".join(names),
            )
        )
    return out


def add_panel(session: Session, name: str, force_id: str, actor_id: int | None = None) -> Panel:
    """Create a panel that scrutinises one force's searches."""
    name = name.strip()
    if not name:
        raise UserError("a panel needs a name")
    if force_id not in forces():
        raise UserError(unknown_force_message(force_id))
    if session.scalar(select(Panel).where(Panel.name == name)) is not None:
        raise UserError(f"panel {name!r} already exists")
    panel = Panel(name=name[:200], force_id=force_id)
    return audit.created(session, actor_id, "panel", panel, {"name": name, "force": force_id})


def get_panel(session: Session, panel: int | str) -> Panel:
    """A panel by id or name, or UserError."""
    found = (
        session.get(Panel, panel)
        if isinstance(panel, int)
        else session.scalar(select(Panel).where(Panel.name == panel))
    )
    if found is None:
        raise UserError(f"no panel {panel!r}")
    return found


def add_member(session: Session, panel: Panel, user: User, actor_id: int | None = None) -> None:
    """Attach a coordinator, member or force liaison to a panel (idempotent)."""
    if user.role in ALL_PANELS_ROLES:
        raise UserError(f"{user.role} users see every panel: no membership needed")
    exists = session.scalar(
        select(PanelMembership).where(
            PanelMembership.panel_id == panel.id, PanelMembership.user_id == user.id
        )
    )
    if exists is None:
        session.add(PanelMembership(panel_id=panel.id, user_id=user.id))
        audit.record(session, actor_id, "add_member", "panel", panel.id, {"user_id": user.id})


def visible_panel_ids(session: Session, user: User) -> list[int] | None:
    """Ids of the panels the user may see; None means every panel."""
    if user.role in ALL_PANELS_ROLES:
        return None
    return list(
        session.scalars(select(PanelMembership.panel_id).where(PanelMembership.user_id == user.id))
    )


def can_see_panel(session: Session, user: User, panel_id: int) -> bool:
    """Whether the user may see this panel's meetings (membership checked server-side)."""
    ids = visible_panel_ids(session, user)
    return ids is None or panel_id in ids
