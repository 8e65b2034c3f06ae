"""The partnership strand's fixtures, shared with the API tests."""

from tests.partners.conftest import lists, make_engagement, make_group, make_partnership, make_venue

__all__ = ["lists", "make_engagement", "make_group", "make_partnership", "make_venue"]
