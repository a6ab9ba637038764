"""`flask mail send`: deliver the outbox; a timer runs it every minute."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.db import db
from app.mail.services import SmtpSettings, deliver_pending

mail_cli = AppGroup("mail", help="Outgoing mail.")


def configured_smtp() -> SmtpSettings | None:
    """The SMTP server from the configuration; None keeps mail in the outbox."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        return None
    return SmtpSettings(
        config["MAIL_SERVER"],
        int(config["MAIL_PORT"]),
        bool(config["MAIL_USE_TLS"]),
        config["MAIL_USERNAME"],
        config["MAIL_PASSWORD"],
        config["MAIL_SENDER"],
    )


@mail_cli.command("send")
def send_command() -> None:
    smtp = configured_smtp()
    if smtp is None:
        click.echo(
            "MAIL_SERVER is not set: messages stay in the outbox (visible to administrators)."
        )
        return
    sent, failed = deliver_pending(db.session, smtp)
    click.echo(f"sent {sent}, failed {failed}")
