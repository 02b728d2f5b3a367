"""What the scrutiny pages show, read through ``openpeel.scrutiny.queries``."""

from __future__ import annotations

from openpeel.database.engine import session_scope
from openpeel.scrutiny import queries, sampling, users
from openpeel.scrutiny.models import Meeting
from tests.scrutiny.world import World


def test_panels_meetings_and_members_follow_membership(world: World) -> None:
    with session_scope(world.engine) as s:
        member = users.get_user(s, "member1")
        admin = users.get_user(s, "admin")
        assert [p.id for p in queries.visible_panels(s, member)] == [world.panel_id]
        assert {p.id for p in queries.visible_panels(s, admin)} == {
            world.panel_id,
            world.other_panel_id,
        }
        meetings = queries.panel_meetings(s, world.panel_id)
        assert [m.id for m in meetings] == [world.open_meeting_id, world.closed_meeting_id]
        names = [u.username for u in queries.panel_members(s, world.panel_id)]
        assert "member1" in names and "outsider" not in names
        assert all(u.role in queries.MEMBER_ROLES for u in queries.member_candidates(s))


def test_review_progress_counts_reviews_and_the_users_own_grade(world: World) -> None:
    with session_scope(world.engine) as s:
        member = users.get_user(s, "member1")
        sample = sampling.sample_of(s, world.open_meeting_id)
        assert sample is not None
        rows = {r["item"].id: r for r in queries.review_progress(s, sample, member.id)}
        assert rows[world.red_item_id]["reviews"] == 1
        assert rows[world.red_item_id]["my_grade"] == "red"
        assert sum(r["reviews"] for r in rows.values()) == 1
        review = queries.review_by(s, world.red_item_id, member.id)
        assert review is not None and review.rag == "red"
        assert queries.display_names(s, [member.id]) == {member.id: member.display_name}


def test_only_closed_meetings_are_published(world: World) -> None:
    with session_scope(world.engine) as s:
        assert [m.id for m in queries.closed_meetings(s)] == [world.closed_meeting_id]
        assert queries.closed_meeting(s, world.open_meeting_id) is None
        found = queries.closed_meeting(s, world.closed_meeting_id)
        assert isinstance(found, Meeting) and found.status == "closed"
        assert len(queries.recent_imports(s)) == 1
