"""Printing a saved plan: the treatment-room sheet (a page to print, or PDF), the true-scale
stencil and the patient's aftercare handout; and the clinic's own words on paper (settings)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.core.messages import PlanError
from planner.core.signature import stored_path
from planner.extensions import db
from planner.formatting import clinic_time
from planner.models import (
    ClinicSettings,
    Consent,
    Cycle,
    Patient,
    PlanRecord,
    Printout,
    ScheduledSession,
    User,
    audit,
    clinic_settings,
    now,
)
from planner.printing.cycle_report import ConsentPrint, CycleReport, CycleRow, cycle_html
from planner.printing.paper import PAPERS, SheetInfo
from planner.printing.plan_pages import handout_html, sheet_html, stencil_html
from planner.services import print_jobs
from planner.services.cycle_outcomes import cycle_outcome
from planner.services.photo_plans import photo_fingerprint
from planner.services.plans import compute_doc
from planner.services.print_progress import progress
from planner.vocabulary import LANGUAGE_NAMES, LANGUAGES
from planner.web import print_delivery
from planner.web.i18n import current_locale
from planner.web.lookups import get_plan
from planner.web.photo_ground import ground_for
from planner.web.record_form import signed_as
from planner.web.roles import allowed
from planner.wording import treatment_names

bp = Blueprint("printouts", __name__)

KINDS = ("sheet", "stencil", "handout")
HANDOUT_MAX = 6000  # characters of the clinic's aftercare text, per language


def recorded(patient: Patient) -> dict[str, str]:
    """What the record says for each item of the sheet's pre-session checklist."""
    def flag(value: bool, details: str = "") -> str:
        if not value:
            return str(_("record: no"))
        return str(_("record: YES")) + (f" ({details})" if details else "")

    return {
        "pregnancy": flag(patient.pregnant),
        "breastfeeding": flag(patient.breastfeeding),
        "anticoagulants": flag(patient.anticoagulants, patient.anticoagulant_details),
        "bleeding": flag(patient.bleeding_disorder),
        "allergies": str(_("record: %(allergies)s", allergies=patient.allergies)
                         if patient.allergies else _("record: none recorded")),
    }


def sheet_info(record: PlanRecord, language: str, *, for_screen: bool) -> SheetInfo:
    """Who, what and when for a saved plan's printouts."""
    patient = record.patient
    settings = clinic_settings()
    paper = request.args.get("paper", "a4")
    return SheetInfo(
        language=language, paper=paper if paper in PAPERS else "a4",
        compact=request.args.get("compact") == "1", clinic=settings.name,
        clinic_phone=settings.phone, patient_name=patient.display_name,
        birth_date=patient.birth_date, record_number=patient.record_number,
        recorded=recorded(patient), session_date=date.today(),
        doctor=record.updated_by.full_name, plan_id=record.id, plan_version=record.version,
        title=record.title, url=url_for("plans.edit", plan_id=record.id, _external=True),
        next_session=next_session(patient), handout_text=settings.handout(language) or None,
        static_base="/static/" if for_screen else "")


def next_session(patient: Patient) -> date | None:
    """The patient's next planned session of a cycle (today counts), for the handout."""
    return db.session.scalar(
        select(ScheduledSession.planned_on).join(Cycle)
        .where(Cycle.patient_id == patient.id, ScheduledSession.status == "planned",
               ScheduledSession.planned_on >= date.today())
        .order_by(ScheduledSession.planned_on).limit(1))


def printed(record: PlanRecord, kind: str, *, for_screen: bool) -> str:
    """The HTML of one printout of a saved plan (the handout in the patient's language)."""
    return printout(record, kind, for_screen=for_screen)[1]()


def printout(record: PlanRecord, kind: str, *, for_screen: bool
             ) -> tuple[str, Callable[[], str]]:
    """A printout of a saved plan: the key of everything its HTML is made from (cheap: no
    drawing), and the function that makes the HTML."""
    default = record.patient.language if kind == "handout" else current_locale()
    language = printout_language(default)
    with force_locale(language):  # every string of the printout, the record's notes included
        info = sheet_info(record, language, for_screen=for_screen)
    make = {"sheet": sheet_html, "stencil": stencil_html, "handout": handout_html}[kind]

    def html() -> str:
        try:
            result, view = compute_doc(json.loads(record.plan_json), record.patient)
            # A plan on a photo: the photo under the sheet's map, inlined; the stencil and
            # the handout need only the card's place (the key has the photo's fingerprint).
            ground = ground_for(result.plan, record.patient,
                                image="inline" if kind == "sheet" else "none")
        except PlanError:
            abort(404)
        with force_locale(language):
            return make(result, view, replace(info, ground=ground))

    # compute_doc reads the plan and the patient's weight; the rest is in ``info``.
    return print_jobs.inputs_key(kind, info, record.plan_json + photo_fingerprint(record.plan_json),
                                 record.patient.weight_kg), html


def printout_language(default: str) -> str:
    """The language asked for this printout (?lang=it|es|en), else ``default``: the reader's
    for a sheet or report, the patient's for a handout."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else default


@bp.get("/plans/<int:plan_id>/<any(sheet, stencil, handout):kind>")
def page(plan_id: int, kind: str) -> ResponseReturnValue:
    """A printout as a web page, with a Print button (the browser prints it)."""
    record = get_plan(plan_id)
    html = printed(record, kind, for_screen=True)
    audit(current_user, "print", "plan", record.id, f"{kind} page, version {record.version}")
    db.session.commit()
    return html


@bp.get("/plans/<int:plan_id>/<any(sheet, stencil, handout):kind>.pdf")
def pdf(plan_id: int, kind: str) -> ResponseReturnValue:
    """A printout as PDF, made by the print worker (web/print_delivery.py). The file name has
    the plan's number, never the patient's name."""
    record = get_plan(plan_id)
    inputs, html = printout(record, kind, for_screen=False)
    return print_delivery.answer(
        kind, html, inputs=inputs, entity="plan", entity_id=record.id,
        filename=f"mesoplanner-{kind}-{record.id}-v{record.version}.pdf",
        detail=f"{kind} PDF, version {record.version}",
        page_url=url_for("printouts.page", plan_id=record.id, kind=kind, **_asked()))


def _asked() -> dict[str, Any]:
    """What the PDF's address asked (language, paper), for the same printout as a page."""
    return {k: v for k, v in request.args.items() if k in ("lang", "paper", "compact")}


@bp.get("/printouts/<int:job_id>")
def progress_of(job_id: int) -> ResponseReturnValue:
    """How far a printout has got (JSON, no patient data), for the page that waits for it;
    allowed to whoever may open the printout itself."""
    found = progress(job_id)
    if found is None:
        abort(404)
    job = db.session.get_one(Printout, job_id)
    source = {"cycle": "printouts.cycle_pdf", "page": "calibration.card_pdf"}.get(
        job.entity, "printouts.pdf")
    if not allowed(source, "GET", str(current_user.role)):
        abort(403)
    return jsonify(print_delivery.progress_words(found))


def cycle_report(cycle: Cycle, language: str, *, for_screen: bool) -> str:
    """The HTML of a cycle's report, in the user's language."""
    outcome = cycle_outcome(cycle, language)
    rows = []
    for planned in cycle.sessions:
        r = planned.record
        status = planned.status if r is None else r.status
        canceller = db.session.get(User, planned.cancelled_by_id) \
            if planned.status == "cancelled" and planned.cancelled_by_id else None
        rows.append(CycleRow(
            planned.number, planned.planned_on, status,
            performed_at=r.performed_at if r else None, points=r.points_done if r else None,
            total_ml=Decimal(r.total_ml) if r else None,
            pain_before=r.pain_before if r else None, pain_after=r.pain_after if r else None,
            pain_scale=r.pain_scale if r else "nrs",
            lots=", ".join(p.lot for p in r.products if p.lot) if r else "",
            # As signed, with the role in the report's language (called in its locale).
            signed_by=signed_as(r.signed_by_name, r.signer_role) or None
            if r and r.signed else None,
            cancelled_by=planned.cancelled_by_name or (canceller.full_name if canceller
                                                       else None),
            cancelled_at=clinic_time(planned.cancelled_at)
            if canceller and planned.cancelled_at else None,
            cancel_reason=planned.cancel_reason if planned.status == "cancelled" else ""))
    report = CycleReport(
        cycle.plan.title, outcome.trend, outcome.labels, outcome.done, outcome.planned,
        outcome.total_ml, outcome.components, tuple(rows), consents_printed(cycle))
    patient = cycle.plan.patient
    settings = clinic_settings()
    paper = request.args.get("paper", "a4")
    info = SheetInfo(
        language=language, paper=paper if paper in PAPERS else "a4",
        clinic=settings.name, clinic_phone=settings.phone, patient_name=patient.display_name,
        birth_date=patient.birth_date, record_number=patient.record_number,
        session_date=date.today(), static_base="/static/" if for_screen else "")
    return cycle_html(report, info)


def consents_printed(cycle: Cycle) -> tuple[ConsentPrint, ...]:
    """The consents the cycle's signed records were signed on, each once, in the order first
    used (the report's language for its words, the patient's for the text)."""
    used: dict[int, tuple[Consent, list[int]]] = {}
    for planned in cycle.sessions:
        r = planned.record
        if r is not None and r.signed and r.consent is not None:
            used.setdefault(r.consent.id, (r.consent, []))[1].append(planned.number)
    shown = []
    for c, numbers in used.values():
        shown.append(ConsentPrint(
            treatment_names(_).get(c.treatment, c.treatment), c.signer_name,
            clinic_time(c.signed_at), c.text_version, c.language,
            LANGUAGE_NAMES.get(c.language, c.language), c.body, c.photos_record,
            c.photos_teaching, stored_path(c.strokes_json), c.taken_by_name,
            tuple(numbers)))
    return tuple(shown)


def localized_report(cycle: Cycle, *, for_screen: bool) -> str:
    """The cycle report in the language asked for it, else the reader's."""
    language = printout_language(current_locale())
    with force_locale(language):
        return cycle_report(cycle, language, for_screen=for_screen)


@bp.get("/cycles/<int:cycle_id>/report")
def cycle_page(cycle_id: int) -> ResponseReturnValue:
    """A cycle's report as a page to print."""
    cycle = db.get_or_404(Cycle, cycle_id)
    html = localized_report(cycle, for_screen=True)
    audit(current_user, "print", "cycle", cycle.id, "report page")
    db.session.commit()
    return html


@bp.get("/cycles/<int:cycle_id>/report.pdf")
def cycle_pdf(cycle_id: int) -> ResponseReturnValue:
    """A cycle's report as PDF (named by the cycle's number, not the patient), made by the
    print worker."""
    cycle = db.get_or_404(Cycle, cycle_id)
    return print_delivery.answer(
        "report", lambda: localized_report(cycle, for_screen=False), entity="cycle",
        entity_id=cycle.id, filename=f"mesoplanner-cycle-{cycle.id}.pdf", detail="report PDF",
        page_url=url_for("printouts.cycle_page", cycle_id=cycle.id, **_asked()))


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> ResponseReturnValue:
    """The clinic's name and telephone for the printouts, and its own aftercare text."""
    if current_user.role != "admin":
        abort(403)
    found = db.session.get(ClinicSettings, 1)
    values: dict[str, Any] = {k: getattr(found, k) if found else ""
                              for k in ("name", "phone", "handout_it", "handout_es",
                                        "handout_en")}
    problems: dict[str, str] = {}
    if request.method == "POST":
        limits = {"name": 120, "phone": 40, "handout_it": HANDOUT_MAX,
                  "handout_es": HANDOUT_MAX, "handout_en": HANDOUT_MAX}
        values = {k: request.form.get(k, "").strip().replace("\r\n", "\n") for k in limits}
        problems = {k: _("At most %(n)d characters.", n=n) for k, n in limits.items()
                    if len(values[k]) > n}
        if not problems:
            row = found or ClinicSettings(id=1)
            if found is None:
                db.session.add(row)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_by_id = current_user.id
            row.updated_at = now()
            audit(current_user, "update", "settings", 1)
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("printouts.settings"), 303)
    return render_template("settings.html", values=values, problems=problems), \
        422 if problems else 200
