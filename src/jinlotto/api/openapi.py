"""The OpenAPI document, with the error statuses of every operation documented once.

Every error leaves the API in one shape (``api/errors.py``). FastAPI would document its own
validation body instead and none of the other errors, so the document is finished here: each
operation gets the statuses any route can answer, plus those that follow from what it takes.
Routes declare only what is particular to them (a 409, a 502) with :func:`error_responses`.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field, JsonValue

REF = "#/components/schemas/ErrorBody"


class ErrorBody(BaseModel):
    """Every error response."""

    error: str = Field(description="What went wrong, in one sentence")
    detail: JsonValue = Field(
        description="More about it, or null; for 422 a list of {location, message}",
    )


MEANINGS: dict[int, str] = {
    400: "The request body cannot be read (for example a malformed multipart form)",
    401: "The admin bearer token is missing or wrong",
    404: "Not found",
    409: "Conflicts with what is stored, or a per-visitor limit is reached",
    413: "The request body or its headers are larger than allowed",
    422: "A parameter, header or the body is invalid; detail lists each problem",
    429: "Too many requests of this kind; Retry-After says when to ask again",
    502: "The outside data source answered with something unusable",
    503: "The database or a model is not available yet; Retry-After says when to ask again",
}

# Any operation: size caps and malformed text in headers, rate limits, an unreachable database.
EVERY_OPERATION = (413, 422, 429, 503)
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries documenting ``statuses`` of one route or router."""
    return {status: {"model": ErrorBody, "description": MEANINGS[status]} for status in statuses}


def install_openapi(app: FastAPI) -> None:
    """Serve the document with the error model and statuses filled in (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = with_errors(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_errors(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with :class:`ErrorBody` for every error status its operations can answer."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's, never sent
        schemas.pop(name, None)
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(body.pop("$defs", {}))
    schemas["ErrorBody"] = body
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method in HTTP_METHODS:
                _document_operation(operation)
    return document


def _document_operation(operation: dict[str, Any]) -> None:
    statuses = set(EVERY_OPERATION)
    if "requestBody" in operation:
        statuses.add(400)
    if any(parameter.get("in") == "path" for parameter in operation.get("parameters", ())):
        statuses.add(404)
    responses = operation.setdefault("responses", {})
    for status in sorted(statuses):
        current = responses.get(str(status))
        if current is None or _is_fastapi_validation(current):
            responses[str(status)] = {
                "description": MEANINGS[status],
                "content": {"application/json": {"schema": {"$ref": REF}}},
            }


def _is_fastapi_validation(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))
