"""Self-assessment pages found failing by the hostile-input tests (tests/hostile), kept as plain regression tests."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.selfassessment import framework
from portal.selfassessment.models import Principle

FRAMEWORK = "/self-assessment/framework"


@pytest.mark.parametrize("version", ["9" * 30, str(2**31), "-1"])
def test_a_framework_version_beyond_any_real_one_is_out_of_date_not_a_server_error(client_as, version):
    client = client_as(Role.ADMIN)
    principle = db.session.scalars(select(Principle).order_by(Principle.number)).first()

    response = client.post(
        f"{FRAMEWORK}/principles/{principle.id}/edit",
        data={"version": version, "title": "Support and information", "introduction": "Why."},
    )

    assert response.status_code == 409  # the page says the framework has changed, and offers the current version
    db.session.expire_all()
    assert principle.title == "Creating supportive and informed spaces" and framework.current_version() == 1
