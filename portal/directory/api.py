"""The read-only Open Referral UK API (HSDS 3.0 UK profile) under /api/oruk/.

Open to anyone without signing in, as the profile asks; it publishes only shareable, active entries (oruk.py
decides what and how). Errors come back as JSON, with a message that says what to change.
"""

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from portal.accounts.permissions import public
from portal.directory import oruk

api_bp = Blueprint("oruk", __name__, url_prefix="/api/oruk")


@api_bp.after_request
def _readable_from_any_origin(response: Response) -> Response:
    # The profile asks for this, so that web pages on other sites can read the directory.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@api_bp.errorhandler(oruk.BadParameter)
def _bad_parameter(error: oruk.BadParameter):
    return _error(400, str(error), parameter=error.parameter)


@api_bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return _error(error.code or 500, error.description or error.name)


def _error(status: int, message: str, **details: str):
    return jsonify({"status": status, "message": message, **details}), status


@api_bp.get("/")
@public
def about():
    return {
        "version": oruk.HSDS_VERSION,
        "profile": oruk.PROFILE_URL,
        "openapi_url": url_for(".openapi", _external=True),
    }


@api_bp.get("/openapi.json")
@public
def openapi():
    return openapi_description(url_for(".about", _external=True).rstrip("/"))


@api_bp.get("/services")
@public
def services():
    return oruk.service_page(oruk.service_filter(request.args), oruk.page_request(request.args))


@api_bp.get("/services/<service_id>")
@public
def service(service_id: str):
    return oruk.full_service(oruk.published_service_or_404(service_id))


@api_bp.get("/taxonomies")
@public
def taxonomies():
    return oruk.taxonomy_page(oruk.page_request(request.args))


@api_bp.get("/taxonomies/<taxonomy_id>")
@public
def taxonomy(taxonomy_id: str):
    return oruk.taxonomy_or_404(taxonomy_id)


@api_bp.get("/taxonomy_terms")
@public
def taxonomy_terms():
    return oruk.taxonomy_term_page(oruk.page_request(request.args))


@api_bp.get("/taxonomy_terms/<term_id>")
@public
def taxonomy_term(term_id: str):
    return oruk.taxonomy_term(oruk.category_or_404(term_id))


@api_bp.get("/service_at_locations")
@public
def service_at_locations():
    return oruk.service_at_location_page(oruk.service_filter(request.args), oruk.page_request(request.args))


@api_bp.get("/service_at_locations/<service_at_location_id>")
@public
def service_at_location(service_at_location_id: str):
    return oruk.full_service_at_location(oruk.service_at_location_or_404(service_at_location_id))


# ---- the description of this API, for the `openapi_url` the profile asks for -------------------------------


def _parameter(name: str, kind: str, description: str, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": {"type": kind},
    }


PAGE_PARAMETERS = [
    _parameter("page", "integer", "Which page, from 1. A page past the end comes back empty."),
    _parameter(
        "per_page", "integer", f"Entries a page, 1 to {oruk.MAX_PER_PAGE}; {oruk.DEFAULT_PER_PAGE} when not given."
    ),
]
SERVICE_PARAMETERS = [
    _parameter("search", "string", "Words that must all appear in the service, its category, provider or text."),
    _parameter("taxonomy_term_id", "string", "Only services with this taxonomy term (their category)."),
    _parameter(
        "modified_after",
        "string",
        "Only services changed at or after this ISO 8601 date or date and time (UTC when no zone is given).",
    ),
]
ID_PARAMETERS = [_parameter("id", "string", "The entry's id, a UUID.", where="path")]


def _schema(name: str) -> dict:
    return {"$ref": oruk.SCHEMA_URL + name}


def _page_of(name: str) -> dict:
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array", "items": _schema(name)}},
    }


ABOUT_SCHEMA = {
    "type": "object",
    "required": ["version", "profile", "openapi_url"],
    "properties": {
        "version": {"type": "string", "description": "The HSDS version."},
        "profile": {"type": "string", "format": "uri", "description": "The HSDS profile followed."},
        "openapi_url": {"type": "string", "format": "uri", "description": "This description."},
    },
}
PAGE_SCHEMA = {
    "type": "object",
    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
    "properties": {
        "total_items": {"type": "integer", "description": "Entries matching the request, on all pages."},
        "total_pages": {"type": "integer", "description": "Pages those entries fill (0 when there are none)."},
        "page_number": {"type": "integer", "description": "This page's number, from 1."},
        "size": {"type": "integer", "description": "Entries on this page."},
        "first_page": {"type": "boolean", "description": "Whether this is page 1."},
        "last_page": {"type": "boolean", "description": "Whether no page with entries follows this one."},
        "empty": {"type": "boolean", "description": "Whether this page has no entries."},
        "contents": {"type": "array"},
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "message"],
    "properties": {
        "status": {"type": "integer"},
        "message": {"type": "string", "description": "What was wrong, and what to send instead."},
        "parameter": {"type": "string", "description": "The query parameter at fault, if any."},
    },
}
ENDPOINTS = [
    # path, summary, response schema, parameters
    ("/", "The HSDS version and profile this API follows", ABOUT_SCHEMA, []),
    (
        "/services",
        "Shared services, a page at a time",
        _page_of("compiled/service_list.json"),
        SERVICE_PARAMETERS + PAGE_PARAMETERS,
    ),
    ("/services/{id}", "One shared service in full", _schema("compiled/service.json"), ID_PARAMETERS),
    ("/taxonomies", "The taxonomies our terms come from", _page_of("taxonomy.json"), PAGE_PARAMETERS),
    ("/taxonomies/{id}", "One taxonomy with its terms", _schema("taxonomy.json"), ID_PARAMETERS),
    ("/taxonomy_terms", "The directory's categories as terms", _page_of("taxonomy_term.json"), PAGE_PARAMETERS),
    ("/taxonomy_terms/{id}", "One taxonomy term", _schema("taxonomy_term.json"), ID_PARAMETERS),
    (
        "/service_at_locations",
        "Where shared services are delivered (each of ours is reached remotely: one virtual location)",
        _page_of("compiled/service_at_location_list.json"),
        SERVICE_PARAMETERS + PAGE_PARAMETERS,
    ),
    (
        "/service_at_locations/{id}",
        "One service at its location, with the service in full",
        _schema("compiled/service_at_location.json"),
        ID_PARAMETERS,
    ),
]


def _operation(summary: str, schema: dict, parameters: list[dict]) -> dict:
    responses = {"200": {"description": summary, "content": {"application/json": {"schema": schema}}}}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if any(parameter["in"] == "query" for parameter in parameters):
        responses["400"] = {"description": "A query parameter that cannot be used", **error}
    if any(parameter["in"] == "path" for parameter in parameters):
        responses["404"] = {"description": "No shared entry has this id", **error}
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def openapi_description(server_url: str) -> dict:
    """An OpenAPI 3.1 description of this API, pointing at the Open Referral UK schemas for each document."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Councillor Support Hub: support directory (Open Referral UK)",
            "version": oruk.HSDS_VERSION,
            "description": "The council's shareable, active support services in the Open Referral UK profile of "
            f"HSDS {oruk.HSDS_VERSION} ({oruk.PROFILE_URL}). Read-only and open to all.",
        },
        "servers": [{"url": server_url}],
        "paths": {path: _operation(summary, schema, params) for path, summary, schema, params in ENDPOINTS},
        "components": {"schemas": {"Page": PAGE_SCHEMA, "Error": ERROR_SCHEMA}},
    }
