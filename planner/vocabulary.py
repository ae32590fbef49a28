"""The house's words, defined once: the languages of the app and the roles of an account.

Framework-free (no Flask, no database), so that the models, the pages, the printouts, the FHIR
export and the command line all import the same words instead of spelling them again
(tests/test_vocabulary.py fails when one of these lists is spelled out elsewhere in planner/).
"""

from __future__ import annotations


def N_(word: str) -> str:
    """Mark a word for translation (``pybabel extract -k N_``); it is translated where shown."""
    return word


# The app's languages, each in its own words, in the order the forms offer them. English is the
# fallback: the language every message is written in.
LANGUAGE_NAMES = {"it": "Italiano", "es": "Español", "en": "English"}
LANGUAGES = tuple(LANGUAGE_NAMES)

# An account's role, in English words (the FHIR export writes them; the pages translate them).
# What each may do is web/roles.py's table:
# - admin: the accounts, the clinic settings, the audit trail, and everything a doctor does (in
#   a small clinic the administrator is the doctor);
# - doctor: patients, plans and doses, cycles, session records and their signature;
# - assistant: sees, prints and prepares a session; never decides a dose, never signs.
ROLE_WORDS = {"admin": N_("administrator"), "doctor": N_("doctor"),
              "assistant": N_("assistant")}
ROLES = tuple(ROLE_WORDS)

# Who decides what is injected: saves patients, plans and mixtures, schedules and cancels
# sessions, exports health data.
CLINICIAN_ROLES = ("admin", "doctor")

# Who may sign a session record: the doctor, whose signature makes the record final and answers
# for the doses given (CLINICAL.md); the administrator of a one-doctor clinic is that doctor. An
# assistant prepares the record but never signs it. The same people as the clinicians, by rule
# rather than by chance: whoever decides the doses signs for them.
SIGNING_ROLES = CLINICIAN_ROLES

# A patient's sex, as the patient form offers it.
SEXES = ("female", "male", "other")
