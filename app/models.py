"""Import every model so that metadata (and Alembic) sees the whole schema."""

from app.areas.models import Area, District
from app.audit.models import AuditChainHead, AuditEvent
from app.auth.models import ApiToken, AuthSession, OneTimeToken, Organisation, User
from app.cases.models import Person
from app.crypto.models import KeyCheck
from app.mail.models import OutboxMessage

__all__ = [
    "ApiToken",
    "Area",
    "AuditChainHead",
    "AuditEvent",
    "AuthSession",
    "District",
    "KeyCheck",
    "OneTimeToken",
    "Organisation",
    "OutboxMessage",
    "Person",
    "User",
]
