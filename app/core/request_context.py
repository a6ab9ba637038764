"""Per-request facts: an id for logs and error pages, and the acting user as an Actor."""

from __future__ import annotations

import uuid

from flask import g, has_request_context, request
from flask_login import current_user

from app.audit.actor import Actor
from app.extensions import client_ip


def assign_request_id() -> None:
    g.setdefault("request_id", str(uuid.uuid4()))


def request_id() -> str:
    # CSRF and rate-limit refusals happen in hooks that run before assign_request_id;
    # their log line and error page still need the id.
    if "request_id" not in g and has_request_context():
        assign_request_id()
    return g.get("request_id", "-")


def current_actor() -> Actor:
    user = current_user if current_user and current_user.is_authenticated else None
    return Actor(
        user_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
        role=user.role if user else None,
        ip=client_ip() if request else None,
        request_id=request_id(),
    )
