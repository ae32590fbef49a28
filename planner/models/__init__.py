"""The database, one module per kind of record: accounts, patients, plans and mixtures, cycles,
session records, consents, photos, the clinic's settings, the printouts' PDFs and the audit trail.
Every model and helper is reachable from here (``from planner.models import Patient, audit, now``).

Every schema change has an Alembic migration in ``planner/migrations/versions``.
"""

from __future__ import annotations

from planner.models.accounts import ApiToken, LoginFailure, LoginSession, User
from planner.models.audit import AuditEvent, AuditHead, audit
from planner.models.clinic import ClinicSettings, clinic_settings
from planner.models.consents import Consent, ConsentText
from planner.models.cycles import Cycle, ScheduledSession
from planner.models.patients import Patient
from planner.models.photos import MOMENTS, Photo
from planner.models.plans import PlanRecord, SavedMixture
from planner.models.printouts import Printout
from planner.models.records import ADVERSE_EVENTS, Addendum, SessionProduct, SessionRecord
from planner.models.search_keys import folded, search_key
from planner.models.times import now

__all__ = [
    "ADVERSE_EVENTS",
    "MOMENTS",
    "Addendum",
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "ClinicSettings",
    "Consent",
    "ConsentText",
    "Cycle",
    "LoginFailure",
    "LoginSession",
    "Patient",
    "Photo",
    "PlanRecord",
    "Printout",
    "SavedMixture",
    "ScheduledSession",
    "SessionProduct",
    "SessionRecord",
    "User",
    "audit",
    "clinic_settings",
    "folded",
    "now",
    "search_key",
]
