"""The weekly AVA meeting. Importing the package registers its case-assignment rules."""

from app.meetings import policy as _policy  # noqa: F401
