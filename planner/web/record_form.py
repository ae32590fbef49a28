"""The session record form: its words, reading what was typed (problems by field, in the
user's language), and a stored record as the form shows it."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from planner.core import checklist, outcomes, sessions
from planner.core.compute import Result
from planner.core.messages import PlanError
from planner.extensions import db
from planner.models import ADVERSE_EVENTS, PlanRecord, SessionRecord, User, search_key
from planner.services.recall import MIN_LOT
from planner.web.i18n import format_digits, plan_message
from planner.web.roles import role_names

QUESTION_CODES = frozenset(q.code for q in checklist.QUESTIONS)
LOT_NAME = re.compile(r"lot-(\d{1,2})", re.ASCII)  # a carried lot's row, as the form names it

MAX_PRODUCTS = 12  # [our default]: rows of products on one session record


EMPTY_PRODUCT_ROWS = 2


MAX_TEXT = 4000  # [our default]: notes, adverse event details, addenda, override reasons


MAX_PRODUCT = 120


MAX_LOT = 60


# [our default]: a session record is written on the day, or caught up later; never ahead of time
# (a day's slack for clocks and time zones), and not before this software's era.
EARLIEST = datetime(2000, 1, 1)


FUTURE_SLACK = timedelta(days=1)


def adverse_names() -> dict[str, str]:
    """The adverse events of the form, in the user's language."""
    return {"bruising": _("Bruising"), "bleeding": _("Bleeding"),
            "wheal": _("Persistent wheal"), "burning": _("Burning"), "itching": _("Itching"),
            "infection": _("Infection"), "vasovagal": _("Vasovagal reaction"),
            "allergic": _("Allergic reaction"), "other": _("Other")}


def signed_as(name: str | None, role: str | None) -> str:
    """Someone as a signature shows them: "Dr Rossi (doctor)", the role in the reader's words;
    the name alone when no role was kept ("" for nobody)."""
    if not name:
        return ""
    if not role:
        return name
    return str(_("%(name)s (%(role)s)", name=name, role=role_names().get(role, role)))


def plain_int(text: str, digits: int) -> int | None:
    """A whole number typed in ASCII digits (at most ``digits`` of them), else None: "²", "٣"
    or a 5,000-digit number are not numbers a clinician meant."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


def parse(form: Any, result: Result, weight_kg: float | None, cycle_scale: str | None = None
          ) -> tuple[dict[str, Any], dict[str, str]]:
    """A record form's values (as typed, for showing again) and its problems by field.

    ``cycle_scale`` is the pain scale the cycle's signed sessions used: a cycle's trend compares
    scores on one scale only.
    """
    values: dict[str, Any] = {k: form.get(k, "").strip() for k in (
        "performed_at", "performer_id", "skipped", "volumes", "added", "added_volume_ml",
        "added_mixture", "added_at", "pain_scale", "pain_before", "pain_after", "adverse_details",
        "notes")}
    values["adverse"] = [code for code in form.getlist("adverse") if code in ADVERSE_EVENTS]
    values["checklist"] = {q.code: form.get(f"q-{q.code}", "") for q in checklist.QUESTIONS}
    values["products"] = [{k: form.get(f"{k}-{i}", "").strip()
                           for k in ("product", "lot", "expiry")} for i in range(MAX_PRODUCTS)]
    problems: dict[str, str] = {}
    try:
        values["performed_at_dt"] = datetime.fromisoformat(values["performed_at"])
        if values["performed_at_dt"].tzinfo is not None:  # the form sends the clinic's time
            raise ValueError("a time zone")
    except ValueError:
        problems["performed_at"] = _("Enter a date and a time.")
    else:
        if not EARLIEST <= values["performed_at_dt"] <= datetime.now() + FUTURE_SLACK:
            problems["performed_at"] = _("Enter when the session was done (not in the "
                                         "future, not before %(year)d).", year=EARLIEST.year)
    performer_id = plain_int(values["performer_id"], 9)
    performer = db.session.get(User, performer_id) if performer_id is not None else None
    if performer is None or not performer.active:
        problems["performer_id"] = _("Choose who performed the session.")
    values["adjustments"] = _adjustments(values, result, weight_kg, problems)
    scale = values["pain_scale"] if values["pain_scale"] in outcomes.SCALE_MAX else "nrs"
    values["pain_scale"] = scale
    if cycle_scale is not None and scale != cycle_scale:
        problems["pain_scale"] = _("This cycle's pain is scored on %(scale)s: keep the same "
                                   "scale, so that the trend compares like with like.",
                                   scale=scale_names()[cycle_scale])
    for name in ("pain_before", "pain_after"):
        text = values[name]
        top = outcomes.SCALE_MAX[scale]
        score = plain_int(text, 3)
        if text and (score is None or score > top):
            problems[name] = _("Enter a whole number from 0 to %(top)d.", top=top)
    if "other" in values["adverse"] and not values["adverse_details"]:
        problems["adverse_details"] = _("Describe the other adverse event.")
    for name in ("adverse_details", "notes"):
        if len(values[name]) > MAX_TEXT:
            problems[name] = _("At most %(n)d characters.", n=MAX_TEXT)
    values["carried"] = carried_left(form, values)
    values["carried_keys"] = stored_carried(values)
    _check_products(values["products"], problems)
    beyond = [k for k in form if k.startswith(("product-", "lot-", "expiry-"))
              and k.split("-", 1)[1] not in {str(i) for i in range(MAX_PRODUCTS)} and form[k]]
    if beyond:
        problems["products"] = _("At most %(n)d products per session.", n=MAX_PRODUCTS)
    return values, problems


def scale_names() -> dict[str, str]:
    """The pain scales, in the user's language."""
    return {"nrs": _("NRS 0-10"), "vas": _("VAS 0-100 mm")}


def _adjustments(values: dict[str, Any], result: Result, weight_kg: float | None,
                 problems: dict[str, str]) -> sessions.Adjustments | None:
    """The points skipped, changed and added, checked against the plan (problems by field)."""
    count = len(result.points)
    try:
        added = int(values["added"] or 0)
    except ValueError:
        problems["added"] = _("Enter a whole number.")
        return None
    try:
        adjustments = sessions.Adjustments(
            skipped=sessions.parse_numbers(values["skipped"], "skipped", count),
            volumes=sessions.parse_volumes(values["volumes"], "volumes", count),
            added=added,
            added_volume_ml=sessions.volume(values["added_volume_ml"], "added_volume_ml")
            if added else Decimal("0.00"),
            added_mixture=values["added_mixture"] or None,
            added_at=sessions.parse_places(values["added_at"], "added_at", added))
        sessions.performed(result, adjustments, weight_kg)
    except PlanError as exc:
        problems[exc.field.split("[")[0]] = plan_message(exc)
        return None
    return adjustments


def _check_products(rows: list[dict[str, str]], problems: dict[str, str]) -> None:
    for i, row in enumerate(rows):
        if not any(row.values()):
            continue
        if not row["product"]:
            problems[f"product-{i}"] = _("Name the product of this lot.")
        elif len(row["product"]) > MAX_PRODUCT:
            problems[f"product-{i}"] = _("At most %(n)d characters.", n=MAX_PRODUCT)
        if len(row["lot"]) > MAX_LOT:
            problems[f"lot-{i}"] = _("At most %(n)d characters.", n=MAX_LOT)
        elif row["lot"] and len(search_key(row["lot"])) < MIN_LOT:
            # The recall compares letters and digits only: "---" could never be found.
            problems[f"lot-{i}"] = _("A lot number has at least %(n)d letters or digits.",
                                     n=MIN_LOT)
        if row["expiry"]:
            try:
                date.fromisoformat(row["expiry"])
            except ValueError:
                problems[f"expiry-{i}"] = _("Enter a date (year-month-day).")


def product_rows(record: SessionRecord) -> list[dict[str, str]]:
    """A stored record's products as the form's rows."""
    return [{"product": p.product, "lot": p.lot,
             "expiry": p.expiry.isoformat() if p.expiry else ""} for p in record.products]


def padded(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Product rows with the form's empty rows after them (within MAX_PRODUCTS)."""
    return rows + [{"product": "", "lot": "", "expiry": ""}] * max(
        0, min(EMPTY_PRODUCT_ROWS, MAX_PRODUCTS - len(rows)))


def form_values(record: SessionRecord) -> dict[str, Any]:
    """A stored record as the form shows it."""
    adjustments = sessions.Adjustments.from_dict(json.loads(record.adjustments_json))
    products = product_rows(record)
    return {
        "performed_at": record.performed_at.strftime("%Y-%m-%dT%H:%M"),
        "performer_id": str(record.performer_id),
        "skipped": ", ".join(str(n) for n in sorted(adjustments.skipped)),
        # Volumes the reader's way (0,30 in Italian and Spanish); the form reads either.
        "volumes": "\n".join(f"{n}={format_digits(str(v))}"
                             for n, v in sorted(adjustments.volumes.items())),
        "added": str(adjustments.added) if adjustments.added else "",
        "added_volume_ml": format_digits(str(adjustments.added_volume_ml))
        if adjustments.added else "",
        "added_mixture": adjustments.added_mixture or "",
        "added_at": json.dumps([list(p) for p in adjustments.added_at])
        if adjustments.added_at else "",
        "pain_scale": record.pain_scale,
        "pain_before": "" if record.pain_before is None else str(record.pain_before),
        "pain_after": "" if record.pain_after is None else str(record.pain_after),
        "adverse": json.loads(record.adverse_json), "adverse_details": record.adverse_details,
        "notes": record.notes, "checklist": json.loads(record.checklist_json),
        "carried": form_carried(record),
        "products": padded(products),
    }


def new_values(plan: PlanRecord, result: Result) -> dict[str, Any]:
    """A new record's form: now, by the current user, the plan's components as products."""
    names = list(dict.fromkeys(c.name for c in result.components))[:MAX_PRODUCTS]
    products = [{"product": n, "lot": "", "expiry": ""} for n in names]
    return {"performed_at": datetime.now().strftime("%Y-%m-%dT%H:%M"),
            "performer_id": str(current_user.id), "skipped": "", "volumes": "", "added": "",
            "added_volume_ml": "", "added_mixture": "", "added_at": "", "pain_scale": "nrs",
            "pain_before": "", "pain_after": "", "adverse": [], "adverse_details": "",
            "notes": "", "checklist": {}, "carried": [],
            "products": padded(products)}


def carried_values(previous: SessionRecord, first: bool) -> dict[str, Any]:
    """What a new record of a cycle takes from the previous session's signed record: its
    safety answers (the questions asked this time) and its products with their lots, each
    marked as carried over until someone confirms it (``carried``: the form's field names)."""
    asked = {q.code for q in checklist.questions(first)}
    answers = {k: v for k, v in json.loads(previous.checklist_json).items() if k in asked}
    products = product_rows(previous)[:MAX_PRODUCTS]
    return {"checklist": answers,
            "products": padded(products),
            "carried": [f"q-{code}" for code in answers]
            + [f"lot-{i}" for i, row in enumerate(products) if row["lot"]]}


def carried_left(form: Any, values: dict[str, Any]) -> list[str]:
    """The carried-over fields nobody has confirmed yet, as the form names them: those the form
    still lists, less a section confirmed as a whole (its tick box); a name the form could not
    have sent (no such question or row, or nothing in it) is dropped."""
    rows = values["products"]
    names = []
    for name in dict.fromkeys(form.get("carried", "").split()):
        question = (name.startswith("q-") and name[2:] in QUESTION_CODES
                    and values["checklist"].get(name[2:]) in ("yes", "no"))
        row = LOT_NAME.fullmatch(name)
        lot = row is not None and int(row[1]) < len(rows) and bool(rows[int(row[1])]["product"])
        if (question and not form.get("confirm-checklist")) or (
                lot and not form.get("confirm-products")):
            names.append(name)
    return names


def stored_carried(values: dict[str, Any]) -> list[str]:
    """The carried-over fields as a record keeps them: question codes, "lot:<product>"."""
    rows = values["products"]
    return [name[2:] if name.startswith("q-") else f"lot:{rows[int(name[4:])]['product']}"
            for name in values["carried"]]


def form_carried(record: SessionRecord) -> list[str]:
    """A record's carried-over fields as its form names them."""
    stored = json.loads(record.carried_json)
    names = [f"q-{code}" for code in stored if not code.startswith("lot:")]
    for i, p in enumerate(record.products):
        if f"lot:{p.product}" in stored:
            names.append(f"lot-{i}")
    return names
