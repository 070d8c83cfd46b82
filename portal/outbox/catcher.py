"""A real SMTP server on loopback that keeps what it receives: for development and for tests.

`make run` starts it so that a person can read the portal's mail as .eml files under instance/mail/;
the test suite starts it to read exactly what the worker sent, and how many connections it used.
"""

import email
import email.policy
import logging
import socket
import threading
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

# aiosmtpd logs every connection at INFO; for a catcher that is noise in the console.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class CatchingHandler:
    """The aiosmtpd handler that keeps each message; subclass it to refuse addresses or slow the server."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        # The aiosmtpd session (one per SMTP connection) that delivered each message, kept alive so that
        # identities stay distinct and connections can be counted.
        self.sessions: list[object] = []
        self.lock = threading.Lock()
        self.received = threading.Condition(self.lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.received:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.sessions.append(session)
            count = len(self.messages)
            self.received.notify_all()
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{count:05d}-{uuid.uuid4().hex[:6]}.eml"
            (self.folder / name).write_bytes(raw)
        return "250 Message accepted for delivery"


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class MailCatcher:
    """Start with `start()`, read `messages`, stop with `stop()`; port 0 picks a free port."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, folder: Path | None = None, handler: CatchingHandler | None = None
    ):
        self._handler = handler or CatchingHandler(folder)
        self.host = host
        self.port = port or _free_port(host)
        self._controller = Controller(self._handler, hostname=host, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._handler.lock:
            return list(self._handler.messages)

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        """(MAIL FROM, RCPT TO list) of each message, in the order received."""
        with self._handler.lock:
            return list(self._handler.envelopes)

    @property
    def connection_count(self) -> int:
        """How many distinct SMTP connections delivered the messages received so far."""
        with self._handler.lock:
            return len({id(session) for session in self._handler.sessions})

    def clear(self) -> None:
        with self._handler.lock:
            self._handler.messages.clear()
            self._handler.envelopes.clear()
            self._handler.sessions.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until at least `count` messages have arrived (or the timeout passes)."""
        with self._handler.received:
            self._handler.received.wait_for(lambda: len(self._handler.messages) >= count, timeout)
            return list(self._handler.messages)

    def start(self) -> "MailCatcher":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
