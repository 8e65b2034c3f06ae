"""OpenAPI schema: every operation documents the error answers it can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework import serializers


class ApiErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    code = serializers.CharField(required=False)


class ValidationErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()

    class Meta:
        # Field errors come as {"field": ["message", ...]} beside `detail`.
        ref_name = "ValidationError"


class ConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField()
    current_version = serializers.IntegerField(required=False)


ERRORS: dict[str, tuple[type[serializers.Serializer[Any]], str]] = {
    "400": (ValidationErrorSerializer, "The request is not valid; field errors are listed by field."),
    "401": (ApiErrorSerializer, "Not signed in: no valid token or session."),
    "403": (ApiErrorSerializer, "Signed in, but your role does not allow this."),
    "404": (ApiErrorSerializer, "No such record, or not one you may see."),
    "409": (ConflictSerializer, "Refused: the record changed since you read it, or the move is not allowed now."),
    "429": (ApiErrorSerializer, "Too many requests, or too many failed sign-in attempts."),
}
READ_ERRORS = ("400", "401", "403", "404", "429")


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes = ERRORS.keys() if self.method in {"POST", "PUT", "PATCH", "DELETE"} else READ_ERRORS
        for code in codes:
            if code in responses:
                continue
            serializer, description = ERRORS[code]
            response = self._get_response_for_code(serializer, code, direction=direction)  # type: ignore[no-untyped-call]  # drf-spectacular leaves it unannotated
            response["description"] = description
            responses[code] = response
        return responses


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular's __init_subclass__ is unannotated
    target_class = "tracker.core.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`, the token from POST /api/v1/auth/token/.",
        }


def require_version_on_updates(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A PATCH may leave out any field but `version` (the version read; a stale one
    answers 409), so its body and that property are required, as the API enforces."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        body = operations.get("patch", {}).get("requestBody")
        if not body:
            continue
        for media in body["content"].values():
            name = media["schema"].get("$ref", "").rsplit("/", 1)[-1]
            component = components.get(name, {})
            if "version" in component.get("properties", {}):
                component["required"] = sorted({*component.get("required", []), "version"})
                body["required"] = True
    return result
