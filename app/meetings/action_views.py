"""Following up actions: overdue per organisation, and correcting a recommendation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.services import record_independently
from app.auth.policy import requires
from app.cases import case_services
from app.cases.policy import load_case_or_deny
from app.cases.queries import locale_code, today
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db
from app.meetings import meeting_mode, recommendations
from app.meetings.mode_forms import RecommendationEditForm
from app.meetings.models import Meeting, Recommendation

blueprint = Blueprint("actions", __name__, url_prefix="/actions")

FIELD_LABELS = {"text": _l("Recommendation"), "next_review_on": _l("Follow-up date")}


@blueprint.route("/overdue")
@requires("actions.follow")
def overdue():
    on = today()
    groups, names = meeting_mode.overdue_with_names(db.session, current_actor(), on)
    return render_template(
        "actions/overdue.html", groups=groups, names=names, today=on, locale=locale_code()
    )


def _load_recommendation(recommendation_id: int):
    """404 for unknown ids; the case's own policy decides the rest (403, audited)."""
    recommendation = db.session.get(Recommendation, recommendation_id)
    if recommendation is None:
        abort(404)
    return recommendation, load_case_or_deny(current_actor(), recommendation.case_id)


def _back_to(recommendation: Recommendation) -> str:
    """The meeting screen where it was recorded, else the case page."""
    meeting = db.session.get(Meeting, recommendation.meeting_id or 0)
    item = (
        meeting_mode.item_for_case(db.session, meeting, recommendation.case_id) if meeting else None
    )
    if item is not None:
        return url_for("meeting_mode.item", meeting_id=meeting.id, item_id=item.id)
    return url_for("cases.detail", case_id=recommendation.case_id)


def render_conflict(recommendation: Recommendation, form: RecommendationEditForm):
    actor = current_actor()
    recommendation_id, case_id = recommendation.id, recommendation.case_id
    # Nothing of this request is saved; the refusal itself is recorded on its own.
    db.session.rollback()
    record_independently(
        db.new_session,
        actor,
        "recommendation.update",
        object_type="case",
        object_id=case_id,
        outcome="failed",
        details={"recommendation": recommendation_id, "reason": "conflict"},
    )
    # Read after the rollback: what is saved now, not what this request tried to save.
    recommendation = db.session.get(Recommendation, recommendation_id)
    mine = form.values()
    current = {"text": recommendation.text, "next_review_on": recommendation.next_review_on}
    form.version.data = str(recommendation.version)  # saving again now is a deliberate choice
    rows = [
        (name, label, mine[name], current[name], mine[name] != current[name])
        for name, label in FIELD_LABELS.items()
    ]
    return render_template(
        "actions/conflict.html",
        recommendation=recommendation,
        form=form,
        rows=rows,
        back=_back_to(recommendation),
    ), 409


@blueprint.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@requires("meetings.manage")
def edit_recommendation(recommendation_id: int):
    actor = current_actor()
    recommendation, access = _load_recommendation(recommendation_id)
    if request.method == "POST":
        form = RecommendationEditForm()
    else:
        form = RecommendationEditForm(
            formdata=None,
            version=str(recommendation.version),
            text=recommendation.text,
            next_review_on=recommendation.next_review_on,
        )
    status = 200
    if form.validate_on_submit():
        try:
            recommendations.update_recommendation(
                db.session,
                actor,
                recommendation,
                seen_version=form.seen_version(),
                **form.values(),
            )
        except recommendations.RecommendationConflict:
            return render_conflict(recommendation, form)
        except DomainError as error:
            field = getattr(form, error.field or "", None)
            target = field.errors if field is not None else form.form_errors
            target.append(error.message)
            status = 422
        else:
            flash(_("The recommendation has been saved."), "success")
            return redirect(_back_to(recommendation), 303)
    elif request.method == "POST":
        status = 422
    else:
        # The form shows the recommendation's text: a read of the case, audited.
        case_services.open_for_edit(db.session, actor, access)
    return render_template(
        "actions/edit_recommendation.html",
        recommendation=recommendation,
        form=form,
        back=_back_to(recommendation),
    ), status
