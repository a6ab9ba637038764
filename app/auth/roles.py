"""Roles and organisation types. Labels are translated where they are shown."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    COMMITTEE = "committee"
    ASSESSOR = "assessor"
    BOARD = "board"
    AUDITOR = "auditor"


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("SSP coordinator"),
    Role.COMMITTEE: _l("AVA committee member"),
    Role.ASSESSOR: _l("Assessor"),
    Role.BOARD: _l("Local board member"),
    Role.AUDITOR: _l("Auditor"),
}

# Only organisations registered as § 115 parties may hold these roles (privacy.md, 2).
CASE_ROLES = frozenset({Role.COORDINATOR, Role.COMMITTEE})


class OrganisationType(enum.StrEnum):
    POLICE = "police"
    CHILD_SERVICES = "child_services"
    SCHOOL = "school"
    CLUB = "club"
    YOUTH_SCHOOL = "youth_school"
    SSP_SECRETARIAT = "ssp_secretariat"
    OTHER = "other"


ORGANISATION_TYPE_LABELS = {
    OrganisationType.POLICE: _l("Police"),
    OrganisationType.CHILD_SERVICES: _l("Child and youth services"),
    OrganisationType.SCHOOL: _l("School"),
    OrganisationType.CLUB: _l("Youth club"),
    OrganisationType.YOUTH_SCHOOL: _l("Youth school"),
    OrganisationType.SSP_SECRETARIAT: _l("SSP secretariat"),
    OrganisationType.OTHER: _l("Other"),
}
