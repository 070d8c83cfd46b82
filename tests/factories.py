"""Test data through factory_boy; every factory saves through the app's own session."""

import factory

from portal.accounts.models import Role, User, UserRole
from portal.accounts.passwords import hash_password
from portal.extensions import db

PASSWORD = "correct horse battery staple"


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    class Params:
        roles = (Role.COUNCILLOR,)

    name = factory.Sequence(lambda n: f"Test Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@council.example")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    role_rows = factory.LazyAttribute(lambda o: [UserRole(role=Role(r).value) for r in o.roles])
