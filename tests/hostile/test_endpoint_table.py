"""The hostile-input table names every endpoint that takes a POST, so a new form cannot escape the tests."""

from werkzeug.exceptions import MethodNotAllowed, NotFound

from config import TestingConfig
from portal import create_app
from tests.hostile.endpoints import ENDPOINTS, NOT_FUZZED, ON_POSTGRESQL


def endpoints_taking_post(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def endpoints_without_hostile_tests(app) -> list[str]:
    return sorted(endpoints_taking_post(app) - {entry.endpoint for entry in ENDPOINTS} - set(NOT_FUZZED))


def test_every_endpoint_taking_post_is_in_the_table():
    assert endpoints_without_hostile_tests(create_app(TestingConfig)) == []


def test_a_new_endpoint_taking_post_is_caught():
    app = create_app(TestingConfig)
    app.add_url_rule("/forgotten-form", "forgotten_form", lambda: "saved", methods=["GET", "POST"])

    assert endpoints_without_hostile_tests(app) == ["forgotten_form"]


def test_each_row_names_a_real_endpoint_once_and_its_path_reaches_it():
    urls = create_app(TestingConfig).url_map.bind("localhost")
    names = [entry.endpoint for entry in ENDPOINTS]
    assert len(names) == len(set(names))
    for entry in ENDPOINTS:
        path = entry.path.format_map(_Placeholders())
        try:
            endpoint, _arguments = urls.match(path, method="POST")
        except (NotFound, MethodNotAllowed) as error:
            raise AssertionError(f"{entry.endpoint}: {entry.path} is not a POST address ({error})") from None
        assert endpoint == entry.endpoint, entry.path


def test_the_postgresql_sample_is_taken_from_the_table():
    assert {entry.endpoint for entry in ENDPOINTS} >= ON_POSTGRESQL


class _Placeholders(dict):
    """Every placeholder stands for 1, which matches an integer or a string part of a path."""

    def __missing__(self, _name: str) -> str:
        return "1"
