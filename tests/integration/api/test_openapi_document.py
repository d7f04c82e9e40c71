"""The OpenAPI document describes the errors the API really sends."""

from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr
from tests.integration.api.conftest import ClientFactory

from jinlotto.api.openapi import EVERY_OPERATION
from jinlotto.db.database import Database

ERROR_REF = "#/components/schemas/ErrorBody"


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _error_schema(operation: dict[str, Any], status: int) -> str:
    response = operation["responses"][str(status)]
    return str(response["content"]["application/json"]["schema"]["$ref"])


def test_every_operation_documents_the_error_body_for_its_statuses(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["ErrorBody"]["required"] == ["error", "detail"]
    for label, operation in _operations(document):
        for status in EVERY_OPERATION:
            if (label, status) != ("GET /api/health", 503):
                assert _error_schema(operation, status) == ERROR_REF, (label, status)
        if "requestBody" in operation:
            assert _error_schema(operation, 400) == ERROR_REF, label
        if "{" in label:
            assert _error_schema(operation, 404) == ERROR_REF, label
    operations = dict(_operations(document))
    assert "409" in operations["POST /api/tickets/saved"]["responses"]
    health_503 = operations["GET /api/health"]["responses"]["503"]
    assert health_503["content"]["application/json"]["schema"]["$ref"].endswith("HealthResponse")


def test_admin_operations_exist_only_with_a_token_and_document_401(
    make_client: ClientFactory, loaded: Database
) -> None:
    with make_client() as visitor:
        assert not any(
            "/api/data/collect" in path for path in visitor.get("/openapi.json").json()["paths"]
        )
    with make_client(admin_token=SecretStr("document-admin-token")) as admin:
        operations = dict(_operations(admin.get("/openapi.json").json()))
    for label in ("POST /api/data/collect", "POST /api/data/update", "POST /api/data/sync-db"):
        assert _error_schema(operations[label], 401) == ERROR_REF, label
        assert _error_schema(operations[label], 409) == ERROR_REF, label
    assert "multipart/form-data" in operations["POST /api/data/sync-db"]["requestBody"]["content"]


def test_a_real_error_matches_the_documented_body(client: TestClient) -> None:
    response = client.get("/api/draws/99999")
    assert response.status_code == 404
    assert set(response.json()) == {"error", "detail"}
    invalid = client.get("/api/draws", params={"limit": 0})
    assert invalid.status_code == 422
    assert [problem["location"] for problem in invalid.json()["detail"]] == ["query.limit"]
