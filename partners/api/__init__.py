"""The partnership strand's REST endpoints (issue 5)."""
