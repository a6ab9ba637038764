"""Queue mail with the act that causes it; deliver later so a slow SMTP never blocks a user."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.mail.models import OutboxMessage

MAX_ATTEMPTS = 5


def queue_mail(session: Session, *, to: str, subject: str, body: str, kind: str) -> OutboxMessage:
    message = OutboxMessage(recipient=to, subject=subject, body=body, kind=kind)
    session.add(message)
    session.flush()
    return message


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_tls: bool
    username: str | None
    password: str | None
    sender: str


def deliver_pending(session: Session, smtp: SmtpSettings, limit: int = 100) -> tuple[int, int]:
    """Send queued messages; returns (sent, failed). Failures are retried on the next run."""
    pending = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    sent = failed = 0
    if not pending:
        return sent, failed
    with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as client:
        if smtp.use_tls:
            client.starttls(context=ssl.create_default_context())
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        for message in pending:
            email = EmailMessage()
            email["From"] = smtp.sender
            email["To"] = message.recipient
            email["Subject"] = message.subject
            email.set_content(message.body)
            message.attempts += 1
            try:
                client.send_message(email)
            except smtplib.SMTPException as exc:
                message.last_error = type(exc).__name__
                failed += 1
            else:
                message.sent_at = utcnow()
                sent += 1
            session.commit()
    return sent, failed


def recent_messages(session: Session, limit: int = 100) -> list[OutboxMessage]:
    return list(
        session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )
