"""The request commits once at the end, or rolls back: an act and its audit entry go together."""

from __future__ import annotations

from flask import Flask, g


def finish_transaction(response):
    session = g.get("_tidlig_session")
    if session is None:
        return response
    if response.status_code < 400:
        session.commit()
    else:
        session.rollback()
    return response


def register_transactions(app: Flask) -> None:
    app.after_request(finish_transaction)
