import time

import pytest
from itsdangerous import TimestampSigner


@pytest.fixture
def links_age(monkeypatch):
    """`links_age(seconds)`: from now on, signed links read the clock as `seconds` later than it is."""

    def age(seconds: int) -> None:
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: int(time.time()) + seconds)

    return age
