"""Logs that carry no personal data or tokens, one event per line."""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, has_request_context, request

from app.core.request_context import request_id
from app.extensions import client_ip

security_log = logging.getLogger("tidlig.security")

# Link tokens live in a few URL shapes; they are masked wherever a path is logged.
TOKEN_PATTERNS = [
    re.compile(r"(/i/)[A-Za-z0-9_\-]{16,}"),
    re.compile(r"(/password/reset/)[A-Za-z0-9_\-]{16,}"),
    re.compile(r"(/activate/)[A-Za-z0-9_\-]{16,}"),
    re.compile(r"(tidlig_)[A-Za-z0-9_\-]{16,}"),
]


def mask_tokens(text: str) -> str:
    for pattern in TOKEN_PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


def escape_controls(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


# Everything a log reader might take for the end of a line, or a terminal for a command.
LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def escape_line_breaks(text: str) -> str:
    # Backslashes are left alone: quoted values (security_event) already escaped theirs,
    # and doubling them again would let a '"' inside a value end its field early.
    return LINE_BREAKING.sub(lambda m: _NAMED.get(m[0], f"\\u{ord(m[0]):04x}"), text)


class SafeFormatter(logging.Formatter):
    """UTC timestamps; control characters escaped so one event is one line; tokens masked."""

    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        return escape_line_breaks(mask_tokens(super().format(record)))


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        SafeFormatter("%(asctime)sZ %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    root = logging.getLogger("tidlig")
    if not any(isinstance(h.formatter, SafeFormatter) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(h.formatter, SafeFormatter) for h in werkzeug_log.handlers):
        werkzeug_log.addHandler(handler)
        werkzeug_log.propagate = False


def _quoted(value: object) -> str:
    return '"' + escape_controls(str(value)).replace('"', '\\"') + '"'


def security_event(event: str, outcome: str, **fields: object) -> None:
    """One line per security-relevant event: what, outcome, actor, IP, request id."""
    from flask_login import current_user

    parts = [f"event={event}", f"outcome={outcome}"]
    if has_request_context():
        user_id = current_user.id if current_user and current_user.is_authenticated else "-"
        parts += [
            f"user={user_id}",
            f"ip={_quoted(client_ip())}",
            f"path={_quoted(mask_tokens(request.path))}",
            f"request_id={request_id()}",
        ]
    parts += [f"{key}={_quoted(value)}" for key, value in fields.items()]
    security_log.warning(" ".join(parts))
