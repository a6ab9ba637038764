"""Errors that services raise and views turn into messages, never into a 500."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; `message` is a translatable text for the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
