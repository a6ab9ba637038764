"""Security headers on every response, and error pages that never show a trace."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, abort, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.logging import security_event
from app.core.request_context import request_id

log = logging.getLogger("tidlig.errors")

CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"
)

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (
        _l("Access denied"),
        _l("You do not have access to this page. The attempt has been logged."),
    ),
    404: (_l("Page not found"), _l("The page does not exist, or it has been moved.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in that way.")),
    409: (_l("Conflict"), _l("Someone else changed this in the meantime. Reload and try again.")),
    410: (_l("No longer available"), _l("This link has expired or has already been used.")),
    413: (_l("Too much data"), _l("What you sent is larger than we accept.")),
    422: (_l("Cannot be processed"), _l("The request was understood but could not be processed.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Wait a while and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l(
            "An unexpected error occurred. Nothing has been saved. If it happens again, "
            "contact support and give them the reference below."
        ),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The service is temporarily unavailable. Try again in a moment."),
    ),
}


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.endpoint != "static":
        # Pages about children must not linger in caches or come back with the back button.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        headers["Vary"] = "Cookie"
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int):
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    if wants_json():
        response = jsonify(error=str(title), status=status, request_id=request_id())
        response.status_code = status
        return response
    return render_template(
        "errors/error.html", status=status, title=title, text=text, request_id=request_id()
    ), status


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status == 429:
        security_event("rate_limited", "denied")
    response = render_error(status)
    if status == 405 and getattr(error, "valid_methods", None):
        allow = ", ".join(error.valid_methods)
        if isinstance(response, tuple):
            response = (response[0], status, {"Allow": allow})
        else:  # the JSON answer of an /api route
            response.headers["Allow"] = allow
    return response


def refuse_nameless_form_fields() -> None:
    """A multipart part whose name Werkzeug cannot read (a line break inside it) becomes a
    field named None, on which the CSRF check itself fails with a 500. No browser sends one."""
    if request.mimetype == "multipart/form-data" and None in request.form:
        security_event("malformed_form", "denied", endpoint=request.endpoint or "-")
        abort(400)


def handle_csrf_error(error: CSRFError):
    security_event("csrf_failed", "denied", reason=error.description)
    return render_error(400)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if isinstance(error, DBAPIError):
        log_database_error(error)
    else:
        log.exception("unhandled error request_id=%s", request_id())
    return render_error(InternalServerError.code)


def log_database_error(error: DBAPIError) -> None:
    """Where and what kind, never the driver's text: PostgreSQL quotes the row's values in it
    ("DETAIL: Key (name)=(...) already exists"), which hide_parameters does not cover."""
    log.error(
        "unhandled error request_id=%s: database error %s (sqlstate %s) in %s\n%s",
        request_id(),
        type(error.orig).__name__,
        getattr(error.orig, "sqlstate", None) or "-",
        error.statement,
        "".join(traceback.format_tb(error.__traceback__)).rstrip(),
    )


def register_web(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    app.jinja_env.globals["current_user"] = current_user
