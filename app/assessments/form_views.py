"""The assessor's pages, reached by invitation link: open the link, the form, decline, thanks.

Nothing here takes an id from the browser: every page resolves the browser's link session to
its one invitation (links.resolve_session), so a tampered id cannot reach another assessment.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.assessments import answering, content, links
from app.assessments.form_forms import (
    AnswerForm,
    DeclineForm,
    as_strings,
    choices,
    errors_by_field,
    shape_problems,
    summary,
)
from app.assessments.link_session import (
    forget_link_session,
    keep_link_session,
    link_session_token,
    session_length,
)
from app.assessments.links import LinkGone, LinkUnknown
from app.assessments.settings import serious_worry
from app.auth.policy import invitation, public
from app.core.logging import security_event
from app.core.request_context import current_actor
from app.db import db, utcnow
from app.extensions import limiter

blueprint = Blueprint("assessment_form", __name__)

GONE_REASONS = {
    "expired": _l("The link has expired."),
    "used": _l("The assessment has already been submitted or declined with this link."),
    "revoked": _l("The request for an assessment has been withdrawn."),
    "replaced": _l("A newer link has been sent to you for this assessment: use that one."),
    "session": _l("Your session has ended. Open the link from your e-mail again."),
}


def _bad_token(response) -> bool:
    # Only unknown and dead links count towards the limit: an assessor who opens their own
    # link a few times is never locked out by it (SB-D2.7).
    return response.status_code in (404, 410)


def _commit_despite_refusal() -> None:
    """Keep what this request wrote although it answers 4xx (which rolls the request back).

    Used for a denied link's audit entry and for the draft saved before a refused
    submission: the refusal is the answer, but the entry and the draft must not be lost.
    """
    db.session.commit()


def gone_page(gone: LinkGone):
    contact = gone.contact
    return (
        render_template(
            "assessment_form/gone.html",
            reason=GONE_REASONS.get(gone.reason, GONE_REASONS["used"]),
            contact=contact,
            fallback_contact=current_app.config["TIDLIG_SSP_CONTACT"],
        ),
        410,
    )


def _resolved():
    return links.resolve_session(db.session, link_session_token(), session_length())


def _locale() -> str:
    return str(get_locale() or "da")


@blueprint.route("/i/<invitation>")
@public
@limiter.limit("20 per minute", deduct_when=_bad_token)
def open_link(invitation: str):
    """Swap the mailed token for a session, and continue on a URL without it (SB-D2.6)."""
    try:
        _opened, raw_session = links.open_link(
            db.session, current_actor(), invitation, session_length()
        )
    except LinkUnknown:
        security_event("invitation_link_unknown", "denied")
        abort(404)
    except LinkGone as gone:
        security_event("invitation_link_gone", "denied", reason=gone.reason)
        _commit_despite_refusal()  # the denied open's audit entry, written by open_link
        return gone_page(gone)
    keep_link_session(raw_session)
    return redirect(url_for(".form"), code=303)


def _render_form(invite, values, problems=(), status: int = 200, notice: bool = False):
    form = answering.request_instrument(db.session, invite.request)
    facts = answering.form_facts(db.session, invite, dt.date.today())
    locale, values = _locale(), as_strings(values)
    document = content.from_form(form, values)
    return render_template(
        "assessment_form/form.html",
        form=AnswerForm(formdata=None),
        facts=facts,
        instrument=form,
        locale=locale,
        choices=choices(form, locale),
        values=values,
        errors=errors_by_field(problems),
        problems=summary(form, problems, locale),
        notice_shown=notice or content.needs_notice(form, document, serious_worry()),
        serious_worry=serious_worry(),
        notification_channel=current_app.config["TIDLIG_NOTIFICATION_CHANNEL"],
    ), status


@blueprint.route("/assessment", methods=["GET", "POST"])
@invitation
def form():
    try:
        invite = _resolved()
    except LinkGone as gone:
        return gone_page(gone)
    if request.method == "POST":
        return _save_or_submit(invite)
    values = content.as_form_data(answering.load_draft(db.session, current_actor(), invite))
    return _render_form(invite, values)


def _save_or_submit(invite):
    data = request.form
    submitting = data.get("action") == "submit"
    form = answering.request_instrument(db.session, invite.request)
    problems = shape_problems(form, data)
    notice = False
    actor = current_actor()
    try:
        if submitting and not problems:
            answering.submit(
                db.session,
                actor,
                invite,
                data,
                notice_acknowledged=bool(data.get("acknowledge_notice")),
                serious_worry=serious_worry(),
            )
        else:
            answering.save_draft(db.session, actor, invite, data)
    except answering.SubmissionRefused as refused:
        problems, notice = refused.problems, refused.notice_needed
    except LinkGone as gone:
        return gone_page(gone)
    if problems:
        _commit_despite_refusal()  # the draft saved above: nothing typed is lost
        return _render_form(invite, data, problems, 422, notice)
    if submitting:
        forget_link_session()
        return redirect(url_for(".thanks"), code=303)
    flash(_("Your draft has been saved."), "success")
    return redirect(url_for(".form"), code=303)


@blueprint.route("/assessment/draft", methods=["POST"])
@invitation
def autosave():
    """The page's script saves the draft as the assessor goes (CSRF token in X-CSRFToken)."""
    try:
        invite = _resolved()
        answering.save_draft(db.session, current_actor(), invite, request.form)
    except LinkGone as gone:
        return jsonify(
            error="gone",
            reason=gone.reason,
            message=str(GONE_REASONS.get(gone.reason, GONE_REASONS["used"])),
        ), 410
    now = utcnow()
    return jsonify(
        saved_at=now.isoformat(),
        message=_("Draft saved %(time)s", time=format_datetime(now, "HH:mm")),
    )


def _case_link(invite) -> str:
    """Where the coordinator's notice points: the case page, as an absolute URL."""
    base = current_app.config["TIDLIG_BASE_URL"].rstrip("/")
    return base + url_for("cases.detail", case_id=invite.request.case_id)


@blueprint.route("/assessment/decline", methods=["GET", "POST"])
@invitation
def decline():
    try:
        invite = _resolved()
    except LinkGone as gone:
        return gone_page(gone)
    decline_form = DeclineForm()
    if decline_form.validate_on_submit():
        try:
            answering.decline(
                db.session,
                current_actor(),
                invite,
                decline_form.reason.data,
                case_link=_case_link(invite),
            )
        except LinkGone as gone:
            return gone_page(gone)
        forget_link_session()
        return redirect(url_for(".thanks", declined=1), code=303)
    status = 422 if decline_form.errors else 200
    return render_template("assessment_form/decline.html", form=decline_form), status


@blueprint.route("/assessment/thanks")
@public
def thanks():
    return render_template(
        "assessment_form/thanks.html", declined=request.args.get("declined") == "1"
    )
