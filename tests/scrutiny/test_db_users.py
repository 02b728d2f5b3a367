"""Storage, migrations and users (library and CLI)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Engine, inspect

import openpeel
from openpeel.cli import main
from openpeel.database.engine import session_scope
from openpeel.database.migrate import current_revision, downgrade, upgrade
from openpeel.database.models import MODEL_MODULES, metadata
from openpeel.scrutiny import users
from openpeel.scrutiny.models import AuditEntry, User


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata())
    assert diff == []
    assert current_revision(engine) == "0003_crime_audit"


def test_migrations_create_every_models_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    models = set(metadata().tables)
    assert {"users", "reviews", "assess_evidence", "assess_grades", "improvements"} <= models
    assert models <= tables, f"no migration creates {sorted(models - tables)}"


def test_every_module_defining_models_is_registered() -> None:
    """A module with a class on the operational ``Base`` is in the declared list (else the
    migrations would not see its tables when it happens not to be imported first)."""
    source = Path(openpeel.__file__).parent
    defining = {
        "openpeel." + ".".join(path.relative_to(source).with_suffix("").parts)
        for path in source.rglob("*.py")
        if re.search(r"^class \w+\(Base\b", path.read_text(encoding="utf-8"), re.M)
    }
    assert defining, "no model found: the scan is broken"
    assert defining <= set(MODEL_MODULES)


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert not inspect(engine).has_table("users")
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert inspect(engine).has_table("reviews")


def test_password_is_argon2_hashed_and_checked(engine: Engine) -> None:
    with session_scope(engine) as s:
        user = users.add_user(s, "Alice", "a very long secret", "administrator")
        assert user.username == "alice"
        assert user.password_hash.startswith("$argon2id$")
        assert "a very long secret" not in user.password_hash
    with session_scope(engine) as s:
        assert users.authenticate(s, "alice", "a very long secret") is not None
        assert users.authenticate(s, "ALICE ", "a very long secret") is not None
        assert users.authenticate(s, "alice", "wrong password!!") is None
        assert users.authenticate(s, "nobody", "a very long secret") is None
        users.set_active(s, users.get_user(s, "alice"), False, None)
    with session_scope(engine) as s:
        assert users.authenticate(s, "alice", "a very long secret") is None
        assert s.query(AuditEntry).filter_by(entity="user").count() == 2


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("bob", "short", "analyst", "at least 12"),
        ("b", "long enough password", "analyst", "bad username"),
        ("bob smith", "long enough password", "analyst", "bad username"),
        ("bob", "long enough password", "superuser", "unknown role"),
    ],
)
def test_bad_users_are_refused(
    engine: Engine, username: str, password: str, role: str, message: str
) -> None:
    with session_scope(engine) as s, pytest.raises(users.UserError, match=message):
        users.add_user(s, username, password, role)


def test_memberships_decide_what_panels_are_visible(engine: Engine) -> None:
    with session_scope(engine) as s:
        member = users.add_user(s, "m1", "long enough password", "panel_member")
        analyst = users.add_user(s, "a1", "long enough password", "analyst")
        p1 = users.add_panel(s, "One", "west-midlands")
        p2 = users.add_panel(s, "Two", "kent")
        users.add_member(s, p1, member)
        users.add_member(s, p1, member)  # idempotent
        assert users.visible_panel_ids(s, member) == [p1.id]
        assert users.can_see_panel(s, member, p1.id)
        assert not users.can_see_panel(s, member, p2.id)
        assert users.visible_panel_ids(s, analyst) is None
        with pytest.raises(users.UserError, match="unknown force"):
            users.add_panel(s, "Three", "atlantis")
        with pytest.raises(users.UserError, match="already exists"):
            users.add_panel(s, "One", "kent")


def test_cli_db_upgrade_and_first_administrator(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    fresh = runner.invoke(main, [*base, "users", "list"])  # the embedded database makes itself
    assert fresh.exit_code == 0, fresh.output
    assert "Traceback" not in fresh.output
    for _ in range(2):
        result = runner.invoke(main, [*base, "db", "upgrade"])
        assert result.exit_code == 0, result.output
    added = runner.invoke(
        main, [*base, "users", "add", "root", "--password-stdin"], input="a long admin password\n"
    )
    assert added.exit_code == 0, added.output
    again = runner.invoke(
        main, [*base, "users", "add", "root", "--password-stdin"], input="a long admin password\n"
    )
    assert again.exit_code == 1
    assert "already exists" in again.output
    listed = runner.invoke(main, [*base, "users", "list", "--format", "json"])
    assert '"role": "administrator"' in listed.output
    assert "argon2" not in listed.output
    short = runner.invoke(
        main,
        [*base, "users", "set-password", "root", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 1
    assert "at least 12" in short.output
    assert (tmp_path / "openpeel.db").exists()


def test_database_url_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpeel.config import settings

    assert settings(tmp_path).resolved_database_url() == f"sqlite:///{tmp_path / 'openpeel.db'}"
    monkeypatch.setenv("OPENPEEL_DATABASE_URL", "sqlite:////x/y.db")
    assert settings(tmp_path).resolved_database_url() == "sqlite:////x/y.db"


def test_user_table_never_lists_hash(engine: Engine) -> None:
    with session_scope(engine) as s:
        users.add_user(s, "zed", "long enough password", "analyst")
        listed = users.list_users(s)
    assert not hasattr(listed[0], "password_hash")
    assert User.__tablename__ == "users"
