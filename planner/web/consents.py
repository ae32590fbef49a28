"""Consents: a patient signs the consent to a treatment on the screen (a finger or a pen on the
tablet), with their separate answers on photos; a signed consent is shown and printed as it was
signed; the clinic edits its consent texts (each edit a new version).

The events are the service's (services/consents.py); the signature is read and checked by the
core (core/signature.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from planner.core.signature import HEIGHT, WIDTH, SignatureError, read_signature, stored_path
from planner.extensions import db
from planner.models import Consent
from planner.services import consents as service
from planner.services.refusals import Changed
from planner.vocabulary import LANGUAGE_NAMES, LANGUAGES
from planner.web.i18n import current_locale
from planner.web.lookups import get_patient
from planner.web.paths import local_target
from planner.wording import treatment_names as worded_treatments

bp = Blueprint("consents", __name__)


@bp.app_template_global()
def consent_path(consent: Consent) -> str:
    """A signed consent's signature as an SVG path in the pad's units."""
    return stored_path(consent.strokes_json)


def treatment_names() -> dict[str, str]:
    """The treatments in the reader's language."""
    return worded_treatments(_)


def _treatment(treatment: str) -> str:
    if treatment not in service.treatments():
        abort(404)
    return treatment


def _language(value: str | None) -> str:
    return value if value in LANGUAGES else current_locale()


@bp.route("/patients/<int:patient_id>/consent/<treatment>", methods=["GET", "POST"])
def take(patient_id: int, treatment: str) -> ResponseReturnValue:
    """The consent to a treatment, read and signed by the patient on the screen."""
    patient = get_patient(patient_id)
    treatment = _treatment(treatment)
    back = url_for("patients.show", patient_id=patient.id)
    form: Any = request.form if request.method == "POST" else request.args
    language = _language(form.get("language"))
    target = local_target(form.get("next", ""), back)
    # The patient signs in their own name, written as they write it: "Maria Rossi".
    own_name = f"{patient.given_name} {patient.family_name}".strip()
    values = {"signer_name": form.get("signer_name", own_name).strip(),
              "photos_record": form.get("photos_record", ""),
              "photos_teaching": form.get("photos_teaching", ""),
              "next": target}
    problems: dict[str, str] = {}
    if request.method == "POST":
        signature = None
        try:
            signature = read_signature(form.get("strokes", ""))
        except SignatureError as exc:
            problems["strokes"] = _(exc.text)
        if not values["signer_name"] or len(values["signer_name"]) > service.MAX_SIGNER:
            problems["signer_name"] = _("Write the name of whoever signs (at most %(n)d "
                                        "characters).", n=service.MAX_SIGNER)
        for name in ("photos_record", "photos_teaching"):
            if values[name] not in ("yes", "no"):
                problems[name] = _("Answer yes or no.")
        if not problems and signature is not None:
            try:
                service.take(patient, treatment, language, form.get("text_version", type=int)
                             or 0, signature, values["signer_name"],
                             (values["photos_record"] == "yes",
                              values["photos_teaching"] == "yes"), current_user)
            except Changed:
                flash(_("The clinic changed this consent text while it was being read: read "
                        "the new text and sign again."), "error")
                return _page(patient, treatment, language, values, {}, 409)
            flash(_("Consent signed."), "success")
            return redirect(target, 303)
    return _page(patient, treatment, language, values, problems, 422 if problems else 200)


def _page(patient: Any, treatment: str, language: str, values: dict[str, str],
          problems: dict[str, str], status: int) -> ResponseReturnValue:
    version, body = service.current_text(treatment, language)
    return render_template(
        "consents/take.html", patient=patient, treatment=treatment,
        treatment_name=treatment_names()[treatment], language=language, version=version,
        body=body, values=values, problems=problems, languages=LANGUAGE_NAMES,
        latest=service.latest(patient.id, treatment), pad=(WIDTH, HEIGHT)), status


@bp.get("/consents/<int:consent_id>")
def show(consent_id: int) -> ResponseReturnValue:
    """A signed consent as it was signed: the text read, the answers, the signature."""
    consent = db.get_or_404(Consent, consent_id)
    return render_template("consents/show.html", consent=consent,
                           treatment_name=treatment_names().get(consent.treatment,
                                                                consent.treatment))


@bp.route("/settings/consents", methods=["GET", "POST"])
def texts() -> ResponseReturnValue:
    """The clinic's consent texts: one treatment's text in one language, edited as a new
    version; the versions before are kept."""
    form: Any = request.form if request.method == "POST" else request.args
    treatment = form.get("treatment", "")
    language = form.get("language", "")
    if request.method == "POST" and (treatment not in service.treatments()
                                     or language not in LANGUAGES):
        abort(422)  # a forged form: the page only sends its own treatment and language
    treatment = treatment if treatment in service.treatments() else service.treatments()[0]
    language = _language(language)
    version, body = service.current_text(treatment, language)
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        body = form.get("body", "").replace("\r\n", "\n").strip()
        if not body or len(body) > service.MAX_BODY:
            problems["body"] = _("Write the consent text (at most %(n)d characters).",
                                 n=service.MAX_BODY)
            status = 422
        else:
            try:
                row = service.publish_text(treatment, language, body,
                                           form.get("version", type=int) or 0, current_user)
            except Changed:
                flash(_("Someone saved another version of this text while you were editing: "
                        "your text is shown below; save again to make it the next version."),
                      "error")
                version = service.current_text(treatment, language)[0]
                status = 409
            else:
                flash(_("Version %(n)d of the consent text saved.", n=row.version), "success")
                return redirect(url_for("consents.texts", treatment=treatment,
                                        language=language), 303)
    return render_template(
        "consents/texts.html", treatment=treatment, language=language, version=version,
        body=body, problems=problems, treatments=treatment_names(), languages=LANGUAGE_NAMES,
        versions=service.text_versions(treatment, language),
        counts=service.edited_counts()), status
