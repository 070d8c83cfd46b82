"""Searching the directory: what a member finds, in what order, and that hostile input is only text."""

from contextlib import contextmanager
from datetime import time
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import event, func, select

from portal.accounts.models import Role
from portal.directory import services
from portal.directory.models import Service, ServiceStatus
from portal.directory.search import normalise, query_words
from portal.extensions import db
from tests.directory.factories import category_named, make_service
from tests.pages import heading, page, text

ALWAYS_OPEN = [services.PeriodInput(day, time(0), time(0)) for day in range(7)]


def found(client, **params) -> list[str]:
    """The service names a search lists, in the order shown."""
    response = client.get("/directory", query_string=params)
    assert response.status_code == 200
    return [text(link) for link in page(response).select("ul.govuk-list h3 a")]


def results_heading(client, **params) -> str:
    return text(page(client.get("/directory", query_string=params)).find(id="results-heading"))


@contextmanager
def statements():
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


# ---- what is found, and in what order -----------------------------------------------------------------


def test_a_name_match_ranks_above_a_description_match(client_as):
    make_service(name="Members' wellbeing line", description="Includes six free counselling sessions.")
    make_service(name="Counselling for councillors", description="Talk to a qualified counsellor.")
    assert found(client_as(Role.COUNCILLOR), q="counselling") == [
        "Counselling for councillors",
        "Members' wellbeing line",
    ]


def test_a_category_or_provider_match_ranks_between_name_and_description(client_as):
    make_service(name="Quiet room", description="Booked through legal services.")
    make_service(name="Advice clinic", category="Legal")
    make_service(name="Legal helpline")
    assert found(client_as(Role.COUNCILLOR), q="legal") == ["Legal helpline", "Advice clinic", "Quiet room"]


def test_case_and_plurals_do_not_matter(client_as):
    make_service(name="Counselling Services")
    make_service(name="Digital safety service")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="COUNSELLING SERVICE") == ["Counselling Services"]
    assert found(client, q="services") == ["Counselling Services", "Digital safety service"]


def test_plural_ies_and_sses_match_their_singular(client_as):
    make_service(name="Safety guides for surgeries", description="Personal safety classes.")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="surgery class") == ["Safety guides for surgeries"]


def test_a_word_matches_the_start_of_a_word_but_not_the_middle(client_as):
    make_service(name="Counselling line")
    make_service(name="Stopgap fund")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="counsel") == ["Counselling line"]
    assert found(client, q="gap") == []


def test_a_very_long_word_is_found_whole_or_by_its_start(client_as):
    long_word = "pneumonoultramicroscopicsilicovolcanoconiosis"  # 45 letters, longer than the index keeps
    make_service(name=f"{long_word} clinic", description=f"{long_word}es and {long_word}-like")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q=long_word) == [f"{long_word} clinic"]
    assert found(client, q="pneumono") == [f"{long_word} clinic"]


def test_without_words_the_directory_is_listed_a_to_z_whatever_the_case(client_as):
    for name in ["beta line", "Alpha line", "charlie line", "Delta line"]:
        make_service(name=name)
    assert found(client_as(Role.COUNCILLOR)) == ["Alpha line", "beta line", "charlie line", "Delta line"]


def test_accents_do_not_matter(client_as):
    make_service(name="Llinell gymorth ffôn")
    assert found(client_as(Role.COUNCILLOR), q="ffon") == ["Llinell gymorth ffôn"]


def test_every_word_must_match(client_as):
    make_service(name="Legal advice", description="Defamation and harassment.")
    make_service(name="Harassment support", description="Someone to talk to.")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="harassment legal") == ["Legal advice"]
    assert found(client, q="harassment") == ["Harassment support", "Legal advice"]


def test_a_search_that_finds_nothing_says_so(client_as):
    make_service(name="Legal advice")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="astronomy") == []
    assert results_heading(client, q="astronomy") == "No services found"


def test_provider_and_contact_names_are_searched(client_as):
    make_service(
        name="Members' helpline",
        provider_name="Northshire Police",
        contacts=[services.ContactInput("Sam Patel", "Single point of contact")],
    )
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="northshire") == ["Members' helpline"]
    assert found(client, q="patel") == ["Members' helpline"]


# ---- filters ------------------------------------------------------------------------------------------


def test_the_category_filter_keeps_only_that_category(client_as):
    make_service(name="Legal advice line", category="Legal")
    make_service(name="Wellbeing advice line", category="Wellbeing")
    legal = category_named("Legal")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="advice", category=legal.id) == ["Legal advice line"]
    assert found(client, category=legal.id) == ["Legal advice line"]


def test_an_unknown_category_is_ignored_not_an_error(client_as):
    make_service(name="Legal advice line", category="Legal")
    client = client_as(Role.COUNCILLOR)
    assert found(client, category="not-a-number") == ["Legal advice line"]
    assert found(client, category="99999") == ["Legal advice line"]


def test_open_now_keeps_only_services_open_at_this_moment(client_as):
    make_service(name="Night line", periods=ALWAYS_OPEN)
    make_service(name="Appointments only", periods=[])
    make_service(name="Paused line", periods=ALWAYS_OPEN, status=ServiceStatus.TEMPORARILY_CLOSED)
    client = client_as(Role.COUNCILLOR)
    assert found(client, open_now="y") == ["Night line"]
    assert found(client) == ["Appointments only", "Night line", "Paused line"]


def test_closed_services_are_hidden_from_members(client_as):
    make_service(name="Old helpline", status=ServiceStatus.CLOSED)
    make_service(name="New helpline")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="helpline") == ["New helpline"]
    assert found(client, q="helpline", closed="1") == ["New helpline"]


def test_officers_see_closed_services_when_they_ask(client_as):
    make_service(name="Old helpline", status=ServiceStatus.CLOSED)
    make_service(name="New helpline")
    client = client_as(Role.OFFICER)
    assert found(client, q="helpline") == ["New helpline"]
    assert found(client, q="helpline", closed="1") == ["New helpline", "Old helpline"]


def test_results_come_a_page_at_a_time(client_as):
    for number in range(services.PER_PAGE + 3):
        make_service(name=f"Helpline {number:02d}")
    client = client_as(Role.COUNCILLOR)
    assert results_heading(client, q="helpline") == f"{services.PER_PAGE + 3} services"
    assert len(found(client, q="helpline")) == services.PER_PAGE
    assert found(client, q="helpline", page=2) == ["Helpline 20", "Helpline 21", "Helpline 22"]
    assert "Page 2 of 2" in text(page(client.get("/directory?q=helpline&page=2")).select_one(".govuk-pagination"))


def test_an_officer_looking_at_closed_services_keeps_them_on_the_next_page(client_as):
    for number in range(services.PER_PAGE + 1):
        make_service(name=f"Helpline {number:02d}", status=ServiceStatus.CLOSED)
    client = client_as(Role.OFFICER)
    next_link = page(client.get("/directory?closed=1")).select_one("a[rel=next]")["href"]
    assert found(client, **dict(parse_qsl(urlsplit(next_link).query))) == ["Helpline 20"]


def test_any_page_number_gives_a_normal_page(client_as, subtests):
    make_service(name="Helpline")
    client = client_as(Role.COUNCILLOR)
    for page_number in ["0", "-4", "abc", "99999999999999999999999"]:
        with subtests.test(page=page_number):
            response = client.get(f"/directory?page={page_number}")
            assert response.status_code == 200
            assert heading(response) == "Support directory"


# ---- hostile input ------------------------------------------------------------------------------------

HOSTILE_QUERIES = [
    "' OR 1=1 --",
    '"; DROP TABLE directory_services; --',
    "%",
    "_",
    "\\",
    "' UNION SELECT password_hash FROM users --",
    "x" * 2500,
    "word " * 500,
]


def test_odd_and_hostile_queries_give_a_normal_page(client_as, subtests):
    make_service(name="Peer support network")
    client = client_as(Role.COUNCILLOR)
    for query in HOSTILE_QUERIES:
        with subtests.test(query=query[:40]):
            response = client.get("/directory", query_string={"q": query})
            assert response.status_code == 200
            assert heading(response) == "Support directory"
            assert found(client, q="peer") == ["Peer support network"]  # the table is still there


def test_a_nul_character_in_a_query_is_refused_with_the_bad_request_page(client_as):
    make_service(name="Peer support network")
    client = client_as(Role.COUNCILLOR)
    response = client.get("/directory", query_string={"q": "peer\x00"})
    assert response.status_code == 400
    assert heading(response) == "Sorry, there is a problem with your request"
    assert found(client, q="peer") == ["Peer support network"]


def test_sql_in_a_query_is_searched_for_as_words(client_as):
    make_service(name="Peer support network")
    make_service(name="Legal advice")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="' OR 1=1 --") == []
    assert db.session.scalar(select(func.count()).select_from(Service)) == 2


def test_markup_in_a_query_is_shown_as_text(client_as):
    client = client_as(Role.COUNCILLOR)
    response = client.get("/directory", query_string={"q": "<script>alert(1)</script>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert page(response).find("input", attrs={"name": "q"})["value"] == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" in text(page(response).title)
    assert not [tag for tag in page(response).find_all("script") if "alert" in tag.get_text()]


def test_markup_in_a_service_name_is_shown_as_text(client_as):
    make_service(name="<b>Bold</b> helpline")
    response = client_as(Role.COUNCILLOR).get("/directory?q=helpline")
    assert "<b>Bold</b>" not in response.get_data(as_text=True)
    assert found(client_as(Role.COUNCILLOR), q="helpline") == ["<b>Bold</b> helpline"]


def test_a_very_long_query_is_cut_short_not_refused(client_as):
    make_service(name="Peer support network")
    client = client_as(Role.COUNCILLOR)
    response = client.get("/directory", query_string={"q": "peer " + "x" * 2500})
    assert response.status_code == 200
    assert len(page(response).find("input", attrs={"name": "q"})["value"]) <= 200


def test_query_words_are_bounded():
    words = query_words(" ".join(f"word{n}" + "x" * 100 for n in range(50)))
    assert len(words) == 8
    assert all(len(word) <= 40 for word in words)


def test_normalised_text_keeps_only_letters_and_digits():
    assert normalise("Counselling & Support, 24/7!") == " counselling support 24 7 "
    assert normalise("'; DROP TABLE x; --") == " drop table x "


# ---- done by the database ---------------------------------------------------------------------------


def _page_of(client, count: int) -> list[str]:
    for number in range(count):
        make_service(name=f"Support line {number:03d}", contacts=[services.ContactInput(f"Contact {number}")])
    with statements() as seen:
        assert len(found(client, q="support line")) == min(count, services.PER_PAGE)
    return seen


def test_a_search_page_runs_as_many_queries_for_many_rows_as_for_few(client_as):
    client = client_as(Role.COUNCILLOR)
    client.get("/directory")  # the first page ever shown creates the settings row
    few = _page_of(client, 3)
    db.session.execute(Service.__table__.delete())
    db.session.commit()
    many = _page_of(client, 60)
    assert len(many) == len(few)


def test_a_search_runs_a_few_queries_that_filter_and_limit_in_the_database(app_context):
    for number in range(60):
        make_service(name=f"Support line {number:03d}")
    make_service(name="Legal advice")
    with statements() as seen:
        results = services.search_services(services.SearchRequest(query="support line"))
        names = [service.name for service in results.items]
    assert len(seen) <= 5
    assert results.total == 60
    assert names == [f"Support line {number:03d}" for number in range(services.PER_PAGE)]
    [listing] = [statement for statement in seen if "LIMIT" in statement.upper()]
    assert "directory_search_terms" in listing  # the words are matched in the index, not in Python
