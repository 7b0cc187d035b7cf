"""The OpenAPI document describes every route the app has, and nothing it does not have."""
from __future__ import annotations

from openapi_spec_validator import validate

from chalicelib.api.openapi import openapi_document


def app_routes() -> set[tuple[str, str]]:
    from infra.dev_routes import local_app

    app = local_app()  # the local stage's routes: the Lambda app's and the dev routes

    return {(method.lower(), path) for path, methods in app.routes.items() for method in methods}


def spec_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, item in openapi_document()["paths"].items() for method in item}


def test_every_route_of_the_app_is_in_the_spec_and_no_other():
    assert app_routes() - spec_routes() == set()
    assert spec_routes() - app_routes() == set()


def test_the_document_is_valid_openapi_3_1():
    validate(openapi_document())


def test_every_path_parameter_is_declared():
    for path, item in openapi_document()["paths"].items():
        names = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)


def test_staff_operations_need_a_token_and_document_the_gateway_answers():
    from infra.dev_routes import local_app

    for path, methods in local_app().routes.items():
        for method, entry in methods.items():
            operation = openapi_document()["paths"][path][method.lower()]
            if entry.authorizer is not None:
                assert operation["security"] == [{"bearer": []}], path
                assert {"401", "403"} <= set(operation["responses"]), path
            else:
                assert "security" not in operation, path


def test_json_operations_document_their_errors_and_retry_after():
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for code, response in responses.items():
                if code in ("429", "503"):
                    assert "Retry-After" in response["headers"], (method, path, code)
            if "requestBody" in operation:
                assert {"400", "413", "415", "503"} <= set(responses), (method, path)
    status = openapi_document()["paths"]["/api/v1/complaints/{complaint_id}/status"]["get"]
    assert {"404", "429"} <= set(status["responses"])


def test_query_parameters_follow_the_models():
    from chalicelib.api.models import ListParams, StatsParams

    paths = openapi_document()["paths"]
    names = {p["name"] for p in paths["/api/v1/staff/complaints"]["get"]["parameters"] if p["in"] == "query"}
    assert names == set(ListParams.model_fields)
    names = {p["name"] for p in paths["/api/v1/staff/stats"]["get"]["parameters"] if p["in"] == "query"}
    assert names == {"from", "to", "by"} and len(StatsParams.model_fields) == 3
    names = {p["name"] for p in paths["/api/v1/staff/export"]["get"]["parameters"] if p["in"] == "query"}
    assert names == set(ListParams.model_fields) | {"format"}
