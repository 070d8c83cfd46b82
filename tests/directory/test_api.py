"""The Open Referral UK API: what it publishes, to whom, and that every document meets the profile's schemas."""

import json
import re
import uuid
from datetime import datetime, time

import pytest
from referencing.exceptions import Unresolvable
from sqlalchemy import event, update

from portal.directory import oruk, services
from portal.directory.defaults import DEFAULT_CATEGORIES
from portal.directory.models import Service, ServiceStatus
from portal.extensions import db
from portal.settings.models import DEFAULT_COUNCIL_NAME
from tests.directory.factories import category_named, make_service
from tests.directory.oruk_schemas import OrukSchemas, require_schema_dir, schema_dir

API = "/api/oruk"
LISTS = ["/services", "/taxonomies", "/taxonomy_terms", "/service_at_locations"]


@pytest.fixture(scope="session")
def schemas() -> OrukSchemas:
    return OrukSchemas(require_schema_dir())


def get_json(client, path: str, status: int = 200):
    response = client.get(API + path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()


def ids(page: dict) -> list[str]:
    return [item["id"] for item in page["contents"]]


# ---- the validator itself ---------------------------------------------------------------------------------


def test_the_profiles_own_example_service_validates(schemas):
    example = schemas.example("service_full.json")
    schemas.assert_valid(example, "schema/compiled/service.json")
    schemas.assert_valid(example, "schema/service.json")  # the uncompiled schema, through its relative $refs


@pytest.mark.parametrize(
    ("field", "value", "complaint"),
    [
        ("status", "open", "is not one of"),
        ("id", "ac148810", "is not a 'uuid'"),
        ("last_modified", "yesterday", "is not a 'date-time'"),
        ("url", "not a web address", "is not a 'uri'"),
        ("email", "nobody", "is not a 'email'"),
        ("name", None, "'name' is a required property"),
    ],
)
def test_the_validator_rejects_what_the_profile_forbids(schemas, field, value, complaint):
    document = schemas.example("service_full.json")
    if value is None:
        del document[field]
    else:
        document[field] = value
    errors = schemas.errors(document, "schema/compiled/service.json")
    assert any(complaint in error for error in errors), errors


def test_the_validator_never_fetches_a_schema_from_the_network(schemas):
    with pytest.raises(Unresolvable):
        schemas.validator({"$ref": "https://example.org/schema/service.json"}).validate({})


def test_the_schema_folder_comes_from_ORUK_SCHEMA_DIR(monkeypatch, tmp_path):  # noqa: N802
    monkeypatch.setenv("ORUK_SCHEMA_DIR", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    assert schema_dir() == tmp_path.resolve()
    with pytest.raises(pytest.skip.Exception, match="Open Referral UK schemas not found"):
        require_schema_dir()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Open Referral UK schemas not found"):
        require_schema_dir()


# ---- documents meet the profile --------------------------------------------------------------------------


def test_the_root_names_the_version_the_profile_and_our_description(client, schemas, app):
    about = get_json(client, "/")
    schemas.assert_valid_response(about, "/")
    assert about["version"] == "3.0"
    assert about["profile"] == oruk.PROFILE_URL
    assert about["openapi_url"] == f"http://localhost{API}/openapi.json"

    description = get_json(client, "/openapi.json")
    assert description["openapi"].startswith("3.")
    served = {
        re.sub(r"<[^>]+>", "{id}", rule.rule.removeprefix(API))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("oruk.") and rule.endpoint != "oruk.openapi"
    }
    assert set(description["paths"]) == served
    referenced = set(re.findall(r'"\$ref": "' + re.escape(oruk.SCHEMA_URL) + r'([^"#]+)', json.dumps(description)))
    assert referenced, "the description names the profile's schemas"
    assert all((schemas.folder / "schema" / name).is_file() for name in referenced), referenced


def test_a_service_in_full_meets_the_profile_and_says_what_we_know(client, schemas):
    service = make_service(
        email="help@example.org",
        website="https://example.org/help",
        audience="Councillors and their families",
        contacts=[services.ContactInput("Sam Jones", "Duty counsellor")],
        phones=[
            services.PhoneInput("01632 960000", "voice", "Main line"),
            services.PhoneInput("07700 900000", "mobile"),
            services.PhoneInput("07700 900001", "text"),
            services.PhoneInput("18001 01632 960000", "textphone"),
        ],
        periods=[services.PeriodInput(day, time(9), time(17)) for day in range(5)]
        + [services.PeriodInput(5, time(10), time(12, 30))],
    )
    document = get_json(client, f"/services/{service.uuid}")
    schemas.assert_valid(document, "schema/compiled/service.json")
    for phone in document["phones"]:  # HSDS phones, beyond what the UK service schema lists
        schemas.assert_valid(phone, "schema/phone.json")

    assert document["id"] == service.uuid
    assert document["status"] == "active"
    assert document["assured_date"] == service.last_checked_on.isoformat()
    assert document["last_modified"] == service.updated_at.replace(microsecond=0).isoformat() + "Z"
    assert (document["email"], document["url"]) == ("help@example.org", "https://example.org/help")
    assert document["organization"]["id"] == document["organization_id"] == service.provider.uuid
    assert document["organization"]["name"] == "Northshire Employee Assistance"
    assert [c["name"] for c in document["contacts"]] == ["Sam Jones"]
    assert [(p["number"], p["type"]) for p in document["phones"]] == [
        ("01632 960000", "voice"),
        ("07700 900000", "cell"),
        ("07700 900001", "text"),
        ("18001 01632 960000", "textphone"),
    ]
    assert [(s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in document["schedules"]] == [
        ("WEEKLY", "MO,TU,WE,TH,FR", "09:00:00", "17:00:00"),
        ("WEEKLY", "SA", "10:00:00", "12:30:00"),
    ]
    [attribute] = document["attributes"]
    assert attribute["taxonomy_term_id"] == service.category.uuid == attribute["taxonomy_term"]["id"]
    assert attribute["taxonomy_term"]["taxonomy_id"] == oruk.TAXONOMY_ID
    assert not {"owner", "owner_id", "view_count", "help_now_role", "shareable"} & set(document)


def test_a_service_without_a_provider_belongs_to_the_council(client, schemas):
    service = make_service(provider_name="", is_internal=True)
    first = get_json(client, f"/services/{service.uuid}")
    schemas.assert_valid(first, "schema/compiled/service.json")
    organization = first["organization"]
    assert organization["name"] == DEFAULT_COUNCIL_NAME
    assert organization["id"] == oruk.council_organization_id(DEFAULT_COUNCIL_NAME)
    assert get_json(client, f"/services/{service.uuid}")["organization"]["id"] == organization["id"]


def test_pages_of_services_meet_the_profile(client, schemas):
    make_service(name="Members' wellbeing line")
    make_service(name="Peer support circle", category="Peer support", provider_name="")
    page = get_json(client, "/services")
    schemas.assert_valid_page(page, "/services", "schema/compiled/service_list.json")
    assert page["total_items"] == 2


def test_taxonomies_and_their_terms_meet_the_profile(client, schemas):
    taxonomies = get_json(client, "/taxonomies")
    schemas.assert_valid_page(taxonomies, "/taxonomies", "schema/taxonomy.json")
    assert ids(taxonomies) == [oruk.TAXONOMY_ID]
    taxonomy = get_json(client, f"/taxonomies/{oruk.TAXONOMY_ID}")
    schemas.assert_valid(taxonomy, "schema/taxonomy.json")
    assert [term["id"] for term in taxonomy["taxonomy_terms"]] == [uid for uid, _, _ in DEFAULT_CATEGORIES]

    terms = get_json(client, "/taxonomy_terms?per_page=4")
    schemas.assert_valid_page(terms, "/taxonomy_terms", "schema/taxonomy_term.json")
    assert (terms["total_items"], terms["total_pages"], ids(terms)) == (10, 3, [c[0] for c in DEFAULT_CATEGORIES[:4]])
    term = get_json(client, f"/taxonomy_terms/{DEFAULT_CATEGORIES[0][0]}")
    schemas.assert_valid(term, "schema/taxonomy_term.json")
    assert (term["name"], term["taxonomy_id"]) == ("Wellbeing", oruk.TAXONOMY_ID)


def test_each_service_is_at_one_virtual_location_that_meets_the_profile(client, schemas):
    service = make_service()
    page = get_json(client, "/service_at_locations")
    schemas.assert_valid_page(page, "/service_at_locations", "schema/compiled/service_at_location_list.json")
    [listed] = page["contents"]
    assert listed["service_id"] == listed["service"]["id"] == service.uuid
    assert listed["location"]["location_type"] == "virtual"

    document = get_json(client, f"/service_at_locations/{listed['id']}")
    schemas.assert_valid(document, "schema/compiled/service_at_location.json")
    assert document["id"] == listed["id"]
    assert document["location"] == listed["location"]
    assert document["service"]["phones"][0]["number"] == "01632 960000"


# ---- only shareable, active entries, to anyone --------------------------------------------------------------


def test_anyone_may_read_every_list_without_signing_in(client):
    make_service()
    for path in ["/", "/openapi.json", *LISTS]:
        response = client.get(API + path)
        assert response.status_code == 200, path
        assert response.is_json
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_internal_only_and_closed_entries_never_appear(client):
    shared = make_service(name="Peer support line")
    hidden = [
        make_service(name="Peer support line (internal only)", shareable=False),
        make_service(name="Peer support line (paused)", status=ServiceStatus.TEMPORARILY_CLOSED),
        make_service(name="Peer support line (closed)", status=ServiceStatus.CLOSED),
    ]
    for listing in ["/services", "/services?search=peer+support", "/service_at_locations?search=peer"]:
        page = get_json(client, listing)
        assert page["total_items"] == 1, listing
        assert [item.get("service_id", item["id"]) for item in page["contents"]] == [shared.uuid]
    for service in hidden:
        assert get_json(client, f"/services/{service.uuid}", status=404)["status"] == 404
        get_json(client, f"/service_at_locations/{oruk.service_at_location_id(service.uuid)}", status=404)


def test_an_entry_that_stops_being_shareable_disappears(client):
    service = make_service()
    get_json(client, f"/services/{service.uuid}")
    service.shareable = False
    db.session.commit()
    get_json(client, f"/services/{service.uuid}", status=404)
    assert get_json(client, "/services")["total_items"] == 0


# ---- paging and filters -------------------------------------------------------------------------------


def test_pages_count_right_and_a_page_past_the_end_is_empty(client):
    made = [make_service(name=f"Service {letter}") for letter in "ABCDE"]
    pages = [get_json(client, f"/services?per_page=2&page={number}") for number in (1, 2, 3, 4)]
    envelope = [
        {key: page[key] for key in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page")}
        | {"empty": page["empty"]}
        for page in pages
    ]
    assert envelope == [
        {"total_items": 5, "total_pages": 3, "page_number": 1, "size": 2, "first_page": True, "last_page": False}
        | {"empty": False},
        {"total_items": 5, "total_pages": 3, "page_number": 2, "size": 2, "first_page": False, "last_page": False}
        | {"empty": False},
        {"total_items": 5, "total_pages": 3, "page_number": 3, "size": 1, "first_page": False, "last_page": True}
        | {"empty": False},
        {"total_items": 5, "total_pages": 3, "page_number": 4, "size": 0, "first_page": False, "last_page": True}
        | {"empty": True},
    ]
    assert [uid for page in pages for uid in ids(page)] == [service.uuid for service in made]


def test_a_search_that_finds_nothing_is_one_empty_first_and_last_page(client):
    make_service()
    page = get_json(client, "/services?search=trampolining")
    assert page == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_per_page_defaults_to_fifty(client):
    for number in range(oruk.DEFAULT_PER_PAGE + 1):
        make_service(name=f"Service {number:03d}", phones=[], periods=[])
    page = get_json(client, "/services")
    assert (page["size"], page["total_pages"], page["last_page"]) == (50, 2, False)


def test_search_is_the_members_word_search(client):
    counselling = make_service(name="Counselling line", category="Counselling and employee assistance")
    peer = make_service(name="Peer support circle", category="Peer support", provider_name="Northshire Mentors")
    assert ids(get_json(client, "/services?search=counselling")) == [counselling.uuid]
    assert ids(get_json(client, "/services?search=MENTORS")) == [peer.uuid]  # the provider's name counts
    assert ids(get_json(client, "/service_at_locations?search=circles")) == [
        oruk.service_at_location_id(peer.uuid)  # plural finds singular, as for members
    ]


def test_taxonomy_term_id_keeps_one_category(client):
    make_service(name="Wellbeing line")
    legal = make_service(name="Legal advice", category="Legal")
    term = category_named("Legal").uuid
    assert ids(get_json(client, f"/services?taxonomy_term_id={term}")) == [legal.uuid]
    assert ids(get_json(client, f"/services?taxonomy_term_id={term.upper()}")) == [legal.uuid]
    unused = category_named("Police").uuid
    assert get_json(client, f"/services?taxonomy_term_id={unused}")["total_items"] == 0


def test_modified_after_keeps_entries_changed_since(client):
    old = make_service(name="Old entry")
    recent = make_service(name="Recent entry")
    db.session.execute(update(Service).where(Service.id == old.id).values(updated_at=datetime(2024, 1, 1, 12)))
    db.session.execute(update(Service).where(Service.id == recent.id).values(updated_at=datetime(2025, 6, 1, 9)))
    db.session.commit()
    assert ids(get_json(client, "/services?modified_after=2025-01-01")) == [recent.uuid]
    assert ids(get_json(client, "/services?modified_after=2025-06-01T09:00:00Z")) == [recent.uuid]
    assert ids(get_json(client, "/services?modified_after=2025-06-01T10:00:00%2B01:00")) == [recent.uuid]
    assert ids(get_json(client, "/services?modified_after=2025-06-01T09:00:01Z")) == []
    assert len(ids(get_json(client, "/services?modified_after=2023-12-31"))) == 2


def test_a_page_costs_the_same_few_queries_however_many_services_there_are(client):
    def statements_for(path: str) -> int:
        seen = []

        def record(connection, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            get_json(client, path)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(seen)

    make_service(name="Service 0")
    get_json(client, "/services")  # the first request may store the council's default settings
    few = {path: statements_for(path) for path in ("/services", "/service_at_locations")}
    for number in range(1, 8):
        make_service(name=f"Service {number}")
    assert {path: statements_for(path) for path in few} == few
    assert max(few.values()) <= 3, few  # the page, the count, and the council's name when needed


# ---- ids ----------------------------------------------------------------------------------------------


def test_ids_are_the_stored_uuids_and_the_same_on_every_request(client):
    service = make_service(contacts=[services.ContactInput("Sam Jones")])
    first, second = (get_json(client, f"/services/{service.uuid}") for _ in range(2))
    assert first == second
    assert first["id"] == service.uuid
    assert first["contacts"][0]["id"] == service.contacts[0].uuid
    assert first["phones"][0]["id"] == service.phones[0].uuid
    assert first["attributes"][0]["taxonomy_term_id"] == DEFAULT_CATEGORIES[0][0]
    assert ids(get_json(client, "/service_at_locations")) == [oruk.service_at_location_id(service.uuid)]
    assert get_json(client, f"/services/{service.uuid.upper()}")["id"] == service.uuid


def test_a_service_at_location_id_turns_back_into_its_service_id():
    service_id = str(uuid.uuid4())
    derived = oruk.service_at_location_id(service_id)
    assert derived != service_id
    assert uuid.UUID(derived).version == 4
    assert oruk.service_at_location_id(derived) == service_id


# ---- bad requests -------------------------------------------------------------------------------------
# Cases are looped over inside one test, not parametrized: the harness's per-backend session fixtures are set up
# again (and the PostgreSQL database created twice) when pytest interleaves parametrized tests across backends.

BAD_PARAMETERS = [
    ("/services?page=abc", "page"),
    ("/services?page=0", "page"),
    ("/services?page=-1", "page"),
    ("/services?per_page=0", "per_page"),
    ("/services?per_page=201", "per_page"),
    ("/services?per_page=1.5", "per_page"),
    ("/services?modified_after=not-a-date", "modified_after"),
    ("/services?modified_after=2025-13-01", "modified_after"),
    ("/services?taxonomy_term_id=not-a-uuid", "taxonomy_term_id"),
    (f"/services?taxonomy_term_id={uuid.UUID(int=1)}", "taxonomy_term_id"),
    ("/service_at_locations?page=abc", "page"),
    ("/service_at_locations?taxonomy_term_id=nope", "taxonomy_term_id"),
    ("/taxonomy_terms?per_page=0", "per_page"),
    ("/taxonomies?page=x", "page"),
]
UNKNOWN_IDS = [
    f"/services/{uuid.UUID(int=1)}",
    "/services/not-a-uuid",
    f"/service_at_locations/{uuid.UUID(int=1)}",
    "/service_at_locations/123",
    f"/taxonomies/{uuid.UUID(int=1)}",
    f"/taxonomy_terms/{uuid.UUID(int=1)}",
    "/taxonomy_terms/wellbeing",
]


def test_a_parameter_it_cannot_use_is_a_400_that_says_why(client, subtests):
    for query, parameter in BAD_PARAMETERS:
        with subtests.test(query=query):
            error = get_json(client, query, status=400)
            assert error["status"] == 400
            assert error["parameter"] == parameter
            assert error["message"].startswith(parameter)
            assert client.get(API + query).headers["Access-Control-Allow-Origin"] == "*"


def test_an_unknown_id_is_a_404_in_json(client, subtests):
    for path in UNKNOWN_IDS:
        with subtests.test(path=path):
            error = get_json(client, path, status=404)
            assert error["status"] == 404
            assert "id" in error["message"]
