"""The audit trail in the reader's language.

The trail stores what happened in fixed English words (an action code, a kind of record, and a
detail such as ``sheet PDF, version 3``): that is the record, kept as written and exported as
written in the CSV. The page shows it translated: each detail the app writes is matched here by
its shape and said again in the reader's language; the values in it (numbers, dates, file and
token names) are kept as they were. A detail of no known shape is shown as stored.
"""

from __future__ import annotations

import re

from flask_babel import gettext

from planner.core.messages import N_
from planner.web.patient_form import field_names
from planner.web.roles import role_names
from planner.wording import treatment_names, warning_titles


def _(text: str, **values: str) -> str:
    """Flask-Babel's gettext, typed as what it gives: text."""
    return str(gettext(text, **values))


def action_names() -> dict[str, str]:
    """What was done (planner.web.audit.ACTIONS)."""
    return {"view": _("viewed"), "create": _("created"), "update": _("changed"),
            "delete": _("deleted"), "copy": _("copied"), "print": _("printed"),
            "export": _("exported"), "import": _("imported"), "search": _("searched"),
            "sign": _("signed"), "override": _("finding overridden"),
            "discard": _("discarded"), "cancel": _("cancelled"), "revoke": _("revoked"),
            "login": _("logged in"), "logout": _("logged out"),
            "login-refused": _("login refused"), "login-failed": _("login failed"),
            "denied": _("refused to the role"), "refused": _("not accepted"),
            "unlock": _("failed logins cleared"), "archive": _("archived"),
            "restore": _("restored")}


def entity_names() -> dict[str, str]:
    """Which kind of record (planner.web.audit.ENTITIES)."""
    return {"patient": _("patient"), "plan": _("plan"), "mixture": _("mixture"),
            "cycle": _("cycle"), "session": _("planned session"),
            "session_record": _("session record"), "addendum": _("addendum"),
            "recall": _("recall"), "settings": _("clinic settings"), "user": _("account"),
            "api_token": _("API token"), "audit": _("audit trail"),
            "database": _("database"), "page": _("page"), "consent": _("consent"),
            "consent_text": _("consent text"), "photo": _("photo")}


# The details the app writes, by shape: a pattern (matched whole) and the words for it. The
# words are msgids translated when shown; a group of the pattern is a placeholder of its words.
FIXED = {
    "API": N_("through the API"),
    "API, sessions": N_("through the API, the sessions"),
    "command line": N_("on the command line"),
    "demo": N_("demo data"),
    "FHIR R4 bundle": N_("FHIR R4 bundle"),
    "first account (setup)": N_("first account (setup)"),
    "idle": N_("after a time without use"),
    "language": N_("language changed"),
    "name": N_("name changed"),
    "password changed": N_("password changed"),
    "password reset by an administrator": N_("password reset by an administrator"),
    "report page": N_("cycle report, page"),
    "report PDF": N_("cycle report, PDF"),
    "too many failed logins": N_("too many failed logins"),
    "list": N_("list"),
    "search": N_("search (the words searched are not kept)"),
    "form": N_("form"),
    "thumbnail": N_("thumbnail"),
    "own account": N_("own account"),
    "expired": N_("after the longest time a session may last"),
    "wrong password": N_("wrong password"),
    "a session already ended": N_("a session already ended (a copy of its cookie?)"),
    "API, no valid token": N_("through the API, no valid token"),
    "API, revoked token": N_("through the API, a revoked token"),
    "API, disabled account": N_("through the API, a disabled account"),
    "cancel: not a planned session": N_("cancelling: not a planned session"),
    "cancel: no reason given": N_("cancelling: no reason given"),
    "cancel: reason too long": N_("cancelling: reason too long"),
    "disabled account": N_("disabled account"),
    "signing: wrong password": N_("signing: the password was not right"),
    # A PDF asked for while the print worker makes it (web/print_delivery.py), or that failed.
    "being made": N_("being made (opened when ready)"),
    "failed": N_("could not be made"),
    # Photos (web/photos.py, services/photos.py).
    "before the session": N_("before the session"),
    "after the session": N_("after the session"),
    "other moment": N_("another moment"),
    "preview": N_("preview"),
    "full size": N_("full size"),
    "download": N_("download"),
    "teaching use marked": N_("marked for teaching use"),
    "teaching use unmarked": N_("no longer marked for teaching use"),
    "photos compared": N_("photos compared, session by session"),
    # A photo's scale (services/photo_scale.py) and the calibration card's PDF.
    "calibrated": N_("calibrated (the calibration card found)"),
    "no scale": N_("no scale (no calibration card that can be used)"),
    "calibration card looked for": N_("calibration card looked for"),
    "calibration card PDF": N_("calibration card, PDF"),
}
SHAPES: tuple[tuple[str, str], ...] = (
    (r"answer (?P<status>\d+)", N_("answer %(status)s")),
    (r"unknown username (?P<name>.*)", N_("unknown username %(name)s")),
    (r"(?P<n>\d+) s to wait after failed logins", N_("%(n)s s to wait after failed logins")),
    (r"(?P<n>\d+) sessions ended", N_("%(n)s sessions ended")),
    (r"(?P<n>\d+) sessions ended, (?P<t>\d+) API tokens revoked",
     N_("%(n)s sessions ended, %(t)s API tokens revoked")),
    (r"unknown username #(?P<tag>[0-9a-f]+)",
     N_("unknown username (tag %(tag)s: the name is not kept)")),
    (r"reason given \((?P<n>\d+) characters\)",
     N_("reason given (%(n)s characters, kept with the session)")),
    (r"command line: (?P<n>\d+) failed logins cleared for (?P<whom>.+)",
     N_("on the command line: %(n)s failed logins cleared for %(whom)s")),
    (r"backup to (?P<file>.+) \(encrypted\)", N_("encrypted backup to %(file)s")),
    (r"(?P<kind>sheet|stencil|handout) PDF", N_("%(kind)s, PDF")),
    (r"(?P<kind>sheet|stencil|handout) page", N_("%(kind)s, page")),
    (r"API, (?P<n>\d+) found", N_("through the API, %(n)s found")),
    (r"(?P<kind>sheet|stencil|handout) page, version (?P<v>\d+)",
     N_("%(kind)s, page, version %(v)s")),
    (r"(?P<kind>sheet|stencil|handout) PDF, version (?P<v>\d+)",
     N_("%(kind)s, PDF, version %(v)s")),
    (r"points CSV, version (?P<v>\d+)", N_("points as CSV, version %(v)s")),
    (r"plan file, version (?P<v>\d+)", N_("plan file, version %(v)s")),
    (r"plan file (?P<file>.+)", N_("plan file %(file)s")),
    (r"sessions CSV, (?P<n>\d+) sessions", N_("sessions as CSV, %(n)s sessions")),
    (r"CSV, (?P<n>\d+) sessions", N_("CSV, %(n)s sessions")),
    (r"CSV, (?P<n>\d+) events", N_("CSV, %(n)s events")),
    (r"(?P<n>\d+) sessions", N_("%(n)s sessions")),
    (r"(?P<n>\d+) photos", N_("%(n)s photos")),  # in a FHIR export
    (r"plan (?P<plan>\d+), (?P<n>\d+) sessions", N_("plan %(plan)s, %(n)s sessions")),
    (r"plan (?P<plan>\d+) v(?P<v>\d+), session (?P<session>\d+)",
     N_("plan %(plan)s version %(v)s, planned session %(session)s")),
    (r"plan (?P<plan>\d+) v(?P<v>\d+)", N_("plan %(plan)s version %(v)s")),
    (r"from plan (?P<plan>\d+)", N_("from plan %(plan)s")),
    (r"new plan from plan (?P<plan>\d+), which a signed session used",
     N_("new plan from plan %(plan)s, which a signed session used")),
    (r"new plan from plan (?P<plan>\d+), which a signed session used, API",
     N_("new plan from plan %(plan)s, which a signed session used, through the API")),
    (r"session record (?P<record>\d+)", N_("session record %(record)s")),
    (r"cycle (?P<cycle>\d+), session (?P<n>\d+) on (?P<day>[\d-]+)",
     N_("cycle %(cycle)s, session %(n)s on %(day)s")),
    (r"moved from (?P<old>[\d-]+) to (?P<new>[\d-]+)", N_("moved from %(old)s to %(new)s")),
    (r"backup to (?P<file>.+)", N_("backup to %(file)s")),
    (r"restored from (?P<file>.+)", N_("restored from %(file)s")),
    (r"role (?P<role>admin|doctor|assistant)", N_("role: %(role)s")),
    (r"version (?P<v>\d+)", N_("version %(v)s")),  # a clinic mixture's
    (r"default for (?P<treatment>[a-z]+)", N_("default mixture for %(treatment)s")),
    (r"no longer default for (?P<treatment>[a-z]+)",
     N_("no longer the default mixture for %(treatment)s")),
    (r"(?P<treatment>[a-z]+) (?P<language>it|es|en) v(?P<v>\d+)",
     N_("%(treatment)s, %(language)s, version %(v)s")),  # a consent text
    (r"(?P<treatment>[a-z]+) v(?P<v>\d+) (?P<language>it|es|en); photos record "
     r"(?P<record>yes|no), teaching (?P<teaching>yes|no)",
     N_("%(treatment)s, text version %(v)s in %(language)s; photos for the record: "
        "%(record)s, for teaching: %(teaching)s")),  # a patient's consent
)
COMPILED = tuple((re.compile(pattern), words) for pattern, words in SHAPES)
# An account's changes: "role: doctor -> admin; active: True -> False; language: en -> it".
ACCOUNT_CHANGE = re.compile(r"(?P<key>role|active|language): (?P<old>\S+) -> (?P<new>\S+)")


def printout_names() -> dict[str, str]:
    return {"sheet": _("treatment-room sheet"), "stencil": _("stencil"),
            "handout": _("aftercare handout")}


def detail_words(entity: str, detail: str | None) -> str:
    """An audit event's detail in the reader's language (as stored when of no known shape)."""
    if not detail:
        return ""
    if detail in FIXED:
        return _(FIXED[detail])
    found = shaped(detail)
    if found:
        return found
    if ", " in detail:  # the words of an event written by web/audit_reads.py: "API, list"
        parts = [_(FIXED[part]) if part in FIXED else shaped(part)
                 for part in detail.split(", ")]
        if all(parts):
            return ", ".join(str(part) for part in parts)
    if entity == "user":
        changes = [ACCOUNT_CHANGE.fullmatch(part) for part in detail.split("; ")]
        if all(changes):
            return "; ".join(account_change(m.group("key"), m.group("old"), m.group("new"))
                             for m in changes if m)
    if entity == "session_record":  # an override: the findings' codes, "pregnancy, expired"
        findings = finding_names()
        codes = detail.split(", ")
        if all(code in findings for code in codes):
            return ", ".join(findings[code] for code in codes)
    if entity == "patient":  # the fields a change touched: "birth_date, weight_kg"
        names = field_names()
        fields = detail.split(", ")
        if all(f in names for f in fields):
            return _("changed: %(fields)s", fields=", ".join(names[f] for f in fields))
    return detail


def shaped(detail: str) -> str | None:
    """A detail of a known shape in the reader's language (None if of no known shape)."""
    for pattern, words in COMPILED:
        match = pattern.fullmatch(detail)
        if match:
            values = match.groupdict()
            if "kind" in values:
                values["kind"] = printout_names()[values["kind"]]
            if "role" in values:
                values["role"] = role_names()[values["role"]]
            if "treatment" in values:
                treatment = values["treatment"]
                values["treatment"] = treatment_names(_).get(treatment, treatment)
            return _(words, **values)
    return None


def account_change(key: str, old: str, new: str) -> str:
    """One change of an account, its values said in words."""
    if key == "role":
        roles = role_names()
        return _("role: %(old)s → %(new)s", old=roles.get(old, old), new=roles.get(new, new))
    if key == "active":
        state = {"True": _("active"), "False": _("disabled")}
        return _("state: %(old)s → %(new)s", old=state.get(old, old), new=state.get(new, new))
    return _("language: %(old)s → %(new)s", old=old, new=new)


def finding_names() -> dict[str, str]:
    """The safety gate's findings (planner.core.checklist), named briefly."""
    fields = field_names()
    return {**warning_titles(_),
            "pregnancy": _("pregnancy"), "breastfeeding": _("breastfeeding"),
            "bleeding": _("bleeding disorder or anticoagulant"), "allergy": _("allergy"),
            "infection": _("infection at the site"), "heart": _("heart failure or arrhythmia"),
            "same-site": _("same site in the last 3 months"), "skin-test": _("no skin test"),
            "expired": _("expired product"),
            "same-site-recorded": _("same site treated in the last 3 months"),
            "allergy-recorded": _("allergy in the record"),
            "consent-late": _("consent signed after the session"),
            **{f"record-{name}": _("the record says: %(fact)s", fact=fields[name])
               for name in ("pregnant", "breastfeeding", "bleeding_disorder", "anticoagulants")}}
