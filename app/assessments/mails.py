"""The e-mails of the assessment workflow. None holds more about the child than the first
name: no surname, CPR, concern or answers (a mail leaves the municipality's control)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.assessments.links import Contact
from app.assessments.models import AssessmentRequest
from app.auth.models import User
from app.mail.services import queue_mail

DEFAULT_LOCALE = "da"


def _locale_for(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return (user.locale if user and user.locale else None) or DEFAULT_LOCALE


def _contact_line(contact: Contact | None) -> str:
    if contact is None:
        return _("Questions: contact the SSP secretariat.")
    return _("Questions: contact %(name)s, %(email)s.", name=contact.name, email=contact.email)


def queue_invitation(
    session: Session,
    request: AssessmentRequest,
    *,
    first_name: str,
    link: str,
    expires_on: dt.date,
    contact: Contact | None,
    reminder: bool = False,
) -> None:
    # Babel's own date formatting: a command or a test may run this without a request.
    locale = _locale_for(session, request.assessor_user_id)
    with force_locale(locale):
        subject = (
            _("Reminder: assessment of %(name)s", name=first_name)
            if reminder
            else _("Request for an assessment of %(name)s", name=first_name)
        )
        body = "\n\n".join(
            [
                _(
                    "The SSP coordinator asks for your assessment of %(name)s's risk factors "
                    "and resources. It takes a few minutes, on any device.",
                    name=first_name,
                ),
                _(
                    "Please answer by %(date)s:",
                    date=format_date(request.due_on, "long", locale=locale),
                ),
                link,
                _(
                    "The link is personal: do not forward it. It works until you submit "
                    "or until %(date)s.",
                    date=format_date(expires_on, "long", locale=locale),
                ),
                _contact_line(contact),
            ]
        )
    queue_mail(
        session,
        to=request.assessor_email,
        subject=subject,
        body=body,
        kind="assessment.reminder" if reminder else "assessment.invitation",
    )


def queue_coordinator_notice(
    session: Session,
    coordinator: User,
    *,
    kind: str,
    first_name: str,
    case_id: int,
    case_link: str,
) -> None:
    """Tell the coordinator that a request was declined or is overdue."""
    with force_locale(coordinator.locale or DEFAULT_LOCALE):
        if kind == "declined":
            subject = _("An assessment request was declined (%(case)s)", case=f"#{case_id}")
            text = _(
                "An assessor has declined the request for an assessment of %(name)s. "
                "You may want to ask someone else.",
                name=first_name,
            )
        else:
            subject = _("An assessment is overdue (%(case)s)", case=f"#{case_id}")
            text = _(
                "An assessment of %(name)s has passed its due date without an answer.",
                name=first_name,
            )
        body = "\n\n".join([text, case_link])
    queue_mail(session, to=coordinator.email, subject=subject, body=body, kind=f"assessment.{kind}")
