"""The search form is written as plain markup (every new search renders it); it must be what the GOV.UK WTForms
widgets make, so that the GOV.UK CSS and JavaScript and the error summary treat it like every other form."""

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string, request

from portal.accounts.models import Role
from portal.directory import services
from portal.directory.forms import SearchForm
from tests.directory.factories import category_named, make_service
from tests.pages import page, shape

# The search form as it was written with the widgets, field by field.
WIDGETS = """
{{ form.q(params={'label': {'text': 'Search the directory', 'classes': 'govuk-label--s'}, 'type': 'search',
                  'value': query}) }}
{{ form.category(params={'label': {'text': 'Category', 'classes': 'govuk-label--s'}}) }}
{{ form.open_now(params={'label': {'text': 'Only show services open now'}, 'value': 'y'}) }}
{{ form.submit(params={'classes': 'govuk-button--secondary'}) }}
"""


def widgets_for(app, query_string: str) -> list:
    """What the widgets make for a form that reads `query_string`: the form groups and the button."""
    with app.test_request_context(f"/directory?{query_string}"):
        form = SearchForm(request.args)
        form.category.choices = [(0, "All categories")] + [(c.id, c.name) for c in services.categories()]
        form.validate()
        html = render_template_string(WIDGETS, form=form, query=(form.q.data or ""))
    return BeautifulSoup(html, "html.parser").find_all(["div", "button"], recursive=False)


def shown(response) -> list:
    form = page(response).select_one("form[role=search]")
    return (
        form.select(".govuk-grid-column-one-half > .govuk-form-group")
        + form.find_all(["div", "button"], recursive=False)[1:]
    )


@pytest.mark.parametrize(
    "query_string",
    ["", "q=legal+advice", "q=%3Cb%3E%22quoted%22", "category={legal}", "category=abc", "category=999", "open_now=y"],
)
def test_the_plain_search_form_is_what_the_widgets_make(app_context, client_as, query_string):
    make_service()
    query_string = query_string.format(legal=category_named("Legal").id)
    response = client_as(Role.COUNCILLOR).get(f"/directory?{query_string}")
    made_by_widgets = widgets_for(app_context, query_string)
    assert len(made_by_widgets) == 4  # the words box, the category list, the open-now box, the button
    assert [shape(part) for part in shown(response)] == [shape(part) for part in made_by_widgets]


def test_open_now_can_be_ticked_on_every_page_of_results(client_as):
    """The pagination links carry open_now= (empty); the widget then gave the box an empty value, so ticking it
    on a later page did nothing. The box always sends y."""
    for number in range(25):
        make_service(name=f"Support line {number:02d}", periods=[])
    response = client_as(Role.COUNCILLOR).get("/directory?q=support&category=&open_now=&page=2")
    box = page(response).find(id="open_now")
    assert (box["value"], box.has_attr("checked")) == ("y", False)
