"""The OpenAPI schema is valid, documents the error answers, and the docs page is
served from the app itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path: Any) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "openapi: 3" in out.read_text()


def test_every_operation_documents_its_errors(client: Any, board: Any) -> None:
    client.force_login(board)
    schema = client.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "429"} <= codes or path == "/api/v1/auth/token/", (path, method, codes)
            if method in {"patch", "post", "delete"} and path != "/api/v1/auth/token/":
                assert "409" in codes and "400" in codes, (path, method)


def test_docs_page_loads_its_assets_from_the_app(client: Any, board: Any) -> None:
    client.force_login(board)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(s.startswith("/") for s in sources), sources


def test_schema_and_docs_need_sign_in(client: Any) -> None:
    assert client.get("/api/schema/").status_code in {401, 403}
    assert client.get("/api/docs/").status_code in {401, 403}


def test_every_request_body_is_json_only_and_updates_require_the_version(client: Any, board: Any) -> None:
    """One body per operation, so a generated client has one type to build; a PATCH
    body is required because the version read is."""
    client.force_login(board)
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    bodies = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if body is None:
                continue
            bodies += 1
            assert list(body["content"]) == ["application/json"], (path, method)
            if method == "patch":
                assert body.get("required") is True, path
                name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                assert "version" in components[name]["required"], path
    assert bodies > 30


def test_a_form_encoded_body_is_refused_with_a_json_answer(client: Any, liaison: Any) -> None:
    response = client.post(
        "/api/v1/auth/token/",
        data="username=liaison&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.json()["detail"]
