"""The API's JSON parser: DRF's, with the depth of nesting bounded.

Python's JSON decoder recurses once per level of nesting, so a body of a few hundred
kilobytes of "[" exhausts the interpreter's stack (RecursionError, a 500), and even a
body just shallow enough to decode would make every later step that walks it (validation,
error rendering) recurse as deep. No request body of this API nests more than a few
levels (an object holding a list of objects), so anything deeper is refused as a bad
request before any view sees it.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest body the API accepts, counting each object and list as one level.
# Real bodies use at most three or four; 20 leaves room for any future endpoint.
MAX_JSON_DEPTH = 20

TOO_DEEP = f"The JSON body is nested too deeply: send objects and lists at most {MAX_JSON_DEPTH} levels deep."


def json_depth_exceeds(data: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether decoded JSON nests objects and lists more than `limit` levels deep.
    Walks with an explicit stack, so it cannot itself run out of recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that answers a too-deeply nested body with 400 (ParseError)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if json_depth_exceeds(data):
            raise ParseError(TOO_DEEP)
        return data
