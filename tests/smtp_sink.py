"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd): what the app delivers lands here.

with running_sink() as sink:
    deliver_pending(session, sink.settings())
    sink.messages  # [Received(...)]
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from app.mail.services import SmtpSettings

SENDER = "tidlig@localhost"


@dataclass(frozen=True)
class Received:
    mail_from: str
    recipients: tuple[str, ...]
    subject: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}"


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        received = Received(
            envelope.mail_from,
            tuple(envelope.rcpt_tos),
            str(message["Subject"]),
            body.get_content() if body is not None else "",
        )
        with self.lock:
            self.messages.append(received)
        return "250 Message accepted"

    def settings(self, sender: str = SENDER) -> SmtpSettings:
        return SmtpSettings(self.host, self.port, False, None, None, sender)

    def to(self, recipient: str) -> list[Received]:
        return [m for m in self.messages if recipient in m.recipients]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink("127.0.0.1", free_port())
    # The server's debug log repeats every message line by line. It stands in for a mail
    # server outside the app, so it must not write mail text into the suite's debug log.
    server_log = logging.getLogger("mail.log")
    previous = server_log.level
    server_log.setLevel(logging.WARNING)
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
        server_log.setLevel(previous)
