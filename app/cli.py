"""Register the command groups; each lives beside the services it calls."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from app.assessments.cli import instrument_cli, reminders_cli
    from app.audit.cli import audit_cli
    from app.auth.cli import tokens_cli, users_cli
    from app.crypto.cli import keys_cli
    from app.demo.cli import demo_code_command, seed_demo_command
    from app.mail.cli import mail_cli
    from app.monitoring.cli import monitoring_cli
    from app.privacy.cli import privacy_cli

    for command in (
        audit_cli,
        tokens_cli,
        users_cli,
        keys_cli,
        mail_cli,
        monitoring_cli,
        reminders_cli,
        instrument_cli,
        privacy_cli,
        seed_demo_command,
        demo_code_command,
    ):
        app.cli.add_command(command)
