"""The offender behaviour strand's REST API (registered in tracker/api_urls.py)."""
