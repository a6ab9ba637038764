"""Import every model so that metadata (and Alembic) sees the whole schema."""

from app.areas.models import Area, District
from app.assessments.models import (
    Assessment,
    AssessmentRequest,
    CommitteeJudgement,
    InstrumentVersion,
    Invitation,
)
from app.audit.models import AuditChainHead, AuditEvent
from app.auth.models import ApiToken, AuthSession, OneTimeToken, Organisation, User
from app.cases.models import (
    Case,
    CaseEvent,
    Concern,
    ConcernCategory,
    ConcernCategoryLink,
    ConcernPerson,
    Guardian,
    Person,
    PersonCorrection,
    PersonSearchToken,
)
from app.crypto.models import KeyCheck
from app.mail.models import OutboxMessage
from app.meetings.models import (
    Action,
    ActionCheck,
    ActionType,
    AgendaItem,
    MeasureRule,
    Meeting,
    MeetingMember,
    MeetingSchedule,
    Recommendation,
)

__all__ = [
    "Assessment",
    "AssessmentRequest",
    "CommitteeJudgement",
    "InstrumentVersion",
    "Invitation",
    "Action",
    "ActionCheck",
    "ActionType",
    "AgendaItem",
    "MeasureRule",
    "Meeting",
    "MeetingMember",
    "MeetingSchedule",
    "Recommendation",
    "Case",
    "CaseEvent",
    "Concern",
    "ConcernCategory",
    "ConcernCategoryLink",
    "ConcernPerson",
    "Guardian",
    "PersonCorrection",
    "PersonSearchToken",
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
