"""The house's words, defined once: the roles of an account and the languages of the app.

Framework-free (no Flask, no database), so that the models, the pages, the printouts, the FHIR
export and the command line all import the same tuples instead of spelling them again
(tests/test_vocabulary.py fails when one is spelled out elsewhere in planner/).
"""

from __future__ import annotations

# The app's languages, in the order the forms offer them: Italian, Spanish, English. English is
# the fallback (the source language of every message).
LANGUAGES = ("it", "es", "en")

# An account's role (web/roles.py says what each may do):
# - admin: the accounts, the clinic settings, the audit trail, and everything a doctor does (in
#   a small clinic the administrator is the doctor);
# - doctor: patients, plans and doses, cycles, session records and their signature;
# - assistant: sees, prints and prepares; never decides a dose or signs.
ROLES = ("admin", "doctor", "assistant")

# Who decides what is injected: saves patients, plans and mixtures, schedules, signs.
CLINICIAN_ROLES = ("admin", "doctor")

# Who may sign a session record: the doctor, whose signature makes it final and answers for the
# doses given (CLINICAL.md); the administrator of a one-doctor clinic is that doctor. An
# assistant prepares the record but never signs it.
SIGNING_ROLES = ("doctor", "admin")

# A patient's sex, as the patient form offers it.
SEXES = ("female", "male", "other")
