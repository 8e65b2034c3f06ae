from typing import Any

from tracker.core.models import User


def test_home_counts_my_work_once(client: Any, admin_user: User, django_assert_max_num_queries: Any) -> None:
    """The home page lists the sections and the layout's navigation shows them again;
    their My work counts are queried once per request, not twice."""
    client.force_login(admin_user)
    client.get("/")
    # 1 session, 2 user, 3-7 the five My work counts, 8 the user's organisation,
    # 9-11 saving the session (savepoint, update, release)
    with django_assert_max_num_queries(11):
        assert client.get("/").status_code == 200
