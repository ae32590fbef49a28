"""Photos of the treated site (issue 20): taken with the tablet's camera or sent from the
computer into a patient's record (a session record, a cycle), shown in the record, side by side
across a cycle's sessions, and handed out only through here: to a logged-in user whose role may
see the record, never cached, every look and download in the audit trail.

The events are the service's (services/photos.py); the form and its words are photo_form.py's.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from planner.calibration.rectify import card_outline_mm
from planner.extensions import db
from planner.models import Cycle, Patient, Photo, SessionRecord, audit
from planner.photos.cleaning import MAX_BYTES, PhotoRefused
from planner.photos.stores import PhotoMissing, StoreError
from planner.services import photo_scale
from planner.services import photos as service
from planner.services.refusals import NotDraft
from planner.services.session_records import treatment_of
from planner.web import photo_form
from planner.web.calibration_words import SURFACE_DISTANCES_MM, scale_facts
from planner.web.lookups import get_patient, get_photo
from planner.web.paths import local_target
from planner.web.photo_files import READ_LIMIT, photo_response, photo_store

bp = Blueprint("photos", __name__)

READS = {"image": "full size", "preview": "preview", "download": "download"}


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """A photo upload may be larger than the app's other forms: raised before anything reads
    the form (the CSRF check does), so that a photo too large is refused by the form, with its
    message, not by the server's generic limit."""
    if endpoint == "photos.upload":
        request.max_content_length = READ_LIMIT


# ------------------------------------------------------------------------------ the pages


M = TypeVar("M", SessionRecord, Cycle)


def _of_patient(model: type[M], patient: Patient, row_id: int | None) -> M | None:
    """The patient's own record or cycle ``row_id`` (None if none asked; 404 if another's)."""
    if row_id is None:
        return None
    row = db.session.get(model, row_id)
    if row is None or row.patient_id != patient.id:
        abort(404)
    return row


def sites_for(patient: Patient, record: SessionRecord | None) -> list[photo_form.Site]:
    """The sites a photo can be of: the record's plan's, else those of the patient's plans."""
    if record is not None:
        return photo_form.unique(photo_form.plan_sites(record.plan_json))
    return photo_form.unique(site for plan in patient.plans
                             for site in photo_form.plan_sites(plan.plan_json))


def form_context(patient: Patient, record: SessionRecord | None, cycle: Cycle | None,
                 values: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the upload form shows: the sites, the consent's state, the values."""
    consent = service.photo_consent(patient.id)
    sites = sites_for(patient, record)
    if values is None:
        taken = service.record_photos(record.id) if record is not None else []
        moment = request.args.get("moment", "")
        values = {"moment": moment if moment in ("before", "after", "other") else
                  ("after" if any(p.moment == "before" for p in taken) else
                   "before" if record is not None else "other"),
                  "site": sites[0].value if len(sites) == 1 else "", "site_text": "",
                  "note": "", "teaching": False}
    # The consent to sign, if none allows photos: the record's treatment, else the one the
    # patient consented to last, else that of their newest plan.
    treatment = treatment_of(record) if record is not None else \
        consent.treatment if consent is not None else \
        patient.plans[0].treatment if patient.plans else None
    return {"patient": patient, "record": record, "cycle": cycle, "consent": consent,
            "may_take": service.may_take(consent),
            "consent_refusal": None if service.may_take(consent) else
            photo_form.consent_refusal(consent),
            "teaching_allowed": consent is not None and consent.photos_teaching,
            "treatment": treatment,
            "sites": [(s.value, photo_form.site_label(s.view, s.side, s.region)) for s in sites],
            "cycles": patient.cycles, "values": values, "moments": photo_form.moment_names(),
            "labels": photo_form.field_labels(), "max_mb": MAX_BYTES // (1024 * 1024),
            "next": request.values.get("next", "")}


@bp.get("/patients/<int:patient_id>/photos/new")
def new(patient_id: int) -> ResponseReturnValue:
    """The form to take a photo (the tablet's camera) or send one from the computer."""
    patient = get_patient(patient_id)
    record = _of_patient(SessionRecord, patient, request.args.get("record_id", type=int))
    cycle = _of_patient(Cycle, patient, request.args.get("cycle_id", type=int))
    return render_template("photos/new.html", problems={},
                           **form_context(patient, record, cycle))


def refused(patient: Patient, record: SessionRecord | None, cycle: Cycle | None,
            values: dict[str, Any], problems: dict[str, str], status: int = 422
            ) -> ResponseReturnValue:
    """The form again, with what was typed and why nothing was saved."""
    return render_template("photos/new.html", problems=problems,
                           **form_context(patient, record, cycle, values)), status


@bp.post("/patients/<int:patient_id>/photos")
def upload(patient_id: int) -> ResponseReturnValue:
    """Keep a photo: checked against the patient's consent, cleaned, stored; or the form again
    naming what is wrong (nothing kept)."""
    patient = get_patient(patient_id)
    record = _of_patient(SessionRecord, patient, request.form.get("record_id", type=int))
    cycle = _of_patient(Cycle, patient, request.form.get("cycle_id", type=int))
    values, problems = photo_form.parse(request.form, sites_for(patient, record))
    if record is not None and record.status == "discarded":
        flash(_("This draft was discarded: a photo is not added to it."), "error")
        return refused(patient, None, cycle, values, problems, 409)
    upload_file = photo_form.chosen_file(request.files)
    data = upload_file.read(MAX_BYTES + 1) if upload_file is not None else b""
    consent = service.photo_consent(patient.id)
    if not service.may_take(consent):
        problems = {"consent": photo_form.consent_refusal(consent), **problems}
    elif values["teaching"] and not consent.photos_teaching:  # type: ignore[union-attr]
        problems["teaching"] = photo_form.teaching_refusal()
    if not data:
        problems["photo"] = photo_form.refusal(PhotoRefused("empty"))
    if problems:
        return refused(patient, record, cycle, values, problems)
    details = service.PhotoDetails(
        moment=values["moment"], site_view=values["site_view"], site_side=values["site_side"],
        site_region=values["site_region"], site_text=values["site_text"], note=values["note"],
        teaching=values["teaching"], record=record, cycle=cycle)
    try:
        photo = service.add_photo(patient, data, details, current_user, photo_store())
    except PhotoRefused as exc:
        return refused(patient, record, cycle, values, {"photo": photo_form.refusal(exc)})
    except service.NoPhotoConsent as exc:  # signed meanwhile
        return refused(patient, record, cycle, values,
                       {"consent": photo_form.consent_refusal(exc.consent)})
    except service.NoTeachingConsent:
        return refused(patient, record, cycle, values,
                       {"teaching": photo_form.teaching_refusal()})
    except StoreError:
        return store_down(patient, record, cycle, values)
    flash(_("Photo saved (%(moment)s, %(site)s).",
          moment=photo_form.moment_names()[photo.moment].lower(),
          site=photo_form.photo_site(photo)), "success")
    back = url_for("records.show", record_id=record.id) if record is not None else \
        url_for("patients.show", patient_id=patient.id) + "#photos"
    return redirect(local_target(request.form.get("next", ""), back), 303)


def store_down(patient: Patient, record: SessionRecord | None, cycle: Cycle | None,
               values: dict[str, Any]) -> ResponseReturnValue:
    flash(_("The photo could not be stored (the photo store did not answer): nothing was "
            "saved. Try again; if it happens again, tell the administrator."), "error")
    return refused(patient, record, cycle, values, {}, 503)


@bp.get("/photos/<int:photo_id>")
def show(photo_id: int) -> ResponseReturnValue:
    """A photo at full size, with what it is of and who took it."""
    photo = get_photo(photo_id)
    consent = service.photo_consent(photo.patient_id)
    return render_template("photos/show.html", photo=photo, site=photo_form.photo_site(photo),
                           moments=photo_form.moment_names(), consent=consent,
                           teaching_use=service.teaching_use(photo, consent),
                           deletable=not photo.locked,
                           scale=scale_facts(photo), distances=SURFACE_DISTANCES_MM)


def _read(photo_id: int, kind: str) -> ResponseReturnValue:
    """A photo's bytes, audited: looked at (the image, its preview) or downloaded."""
    photo = get_photo(photo_id)
    try:
        response = photo_response(photo, kind)
    except PhotoMissing:
        abort(404)
    except StoreError:
        abort(503)
    audit(current_user, "export" if kind == "download" else "view", "photo", photo.id,
          READS[kind])
    db.session.commit()
    return response


@bp.get("/photos/<int:photo_id>/image")
def image(photo_id: int) -> ResponseReturnValue:
    return _read(photo_id, "image")


@bp.get("/photos/<int:photo_id>/preview")
def preview(photo_id: int) -> ResponseReturnValue:
    return _read(photo_id, "preview")


@bp.get("/photos/<int:photo_id>/download")
def download(photo_id: int) -> ResponseReturnValue:
    return _read(photo_id, "download")


@bp.post("/photos/<int:photo_id>/teaching")
def teaching(photo_id: int) -> ResponseReturnValue:
    """Mark a photo for teaching use (the patient's consent allowing), or take the mark off."""
    photo = get_photo(photo_id)
    try:
        service.set_teaching(photo, request.form.get("teaching") == "1", current_user)
    except service.NoTeachingConsent:
        flash(_("Not marked: %(why)s", why=photo_form.teaching_refusal()), "error")
        return redirect(url_for("photos.show", photo_id=photo.id), 303)
    flash(_("Marked for teaching use.") if photo.teaching else
          _("No longer marked for teaching use."), "success")
    return redirect(url_for("photos.show", photo_id=photo.id), 303)


@bp.post("/photos/<int:photo_id>/calibration")
def look_for_card(photo_id: int) -> ResponseReturnValue:
    """Look for the calibration card in a photo (one taken before the app looked for it when
    a photo is taken): its scale, or why it has none."""
    photo = get_photo(photo_id)
    back = redirect(url_for("photos.show", photo_id=photo.id), 303)
    try:
        photo_scale.look_again(photo, photo_store(), current_user)
    except photo_scale.AlreadyCalibrated:
        flash(_("This photo has its scale already: it keeps it."), "error")
        return back
    except PhotoMissing:
        flash(_("The photo's file is missing from the photo store: nothing was looked for."),
              "error")
        return back
    except StoreError:
        flash(_("The photo store did not answer: try again."), "error")
        return back
    if photo.plane is not None:
        flash(_("Calibration card found: the photo has a scale."), "success")
    elif photo.calibration_refusal is not None:
        flash(_("No scale: no calibration card that can be used (the page says why)."),
              "error")
    else:
        flash(_("The calibration card could not be looked for in this photo."), "error")
    return back


@bp.post("/photos/<int:photo_id>/delete")
def delete(photo_id: int) -> ResponseReturnValue:
    """Delete a photo taken by mistake; a signed record's photos stay, as the record does."""
    photo = get_photo(photo_id)
    patient_id, record_id = photo.patient_id, photo.record_id
    try:
        service.delete_photo(photo, current_user, photo_store())
    except NotDraft:
        flash(_("This photo belongs to a signed record and stays with it. Add an addendum to "
                "the record to say what is wrong with it."), "error")
        return redirect(url_for("photos.show", photo_id=photo_id), 303)
    except service.PhotoInUse as exc:
        flash(_("A plan is drawn on this photo (%(plans)s): the photo stays while the plan "
                "does.", plans=", ".join(f"“{title}”" for title in exc.plans)), "error")
        return redirect(url_for("photos.show", photo_id=photo_id), 303)
    flash(_("Photo deleted."), "success")
    if record_id is not None:
        return redirect(url_for("records.show", record_id=record_id), 303)
    return redirect(url_for("patients.show", patient_id=patient_id) + "#photos", 303)


@bp.get("/cycles/<int:cycle_id>/photos")
def compare(cycle_id: int) -> ResponseReturnValue:
    """A cycle's photos side by side: for each site, its sessions in order, before and after."""
    cycle = db.get_or_404(Cycle, cycle_id)
    photos = service.cycle_photos(cycle)
    rows = service.comparison(cycle, photos)
    labels = {service.site_key(p): photo_form.photo_site(p) for p in photos}
    chosen = request.args.get("site", "")
    # The sites of the body map first (the plan's), then those described in words.
    order = sorted(rows, key=lambda key: (key.startswith("text|"), labels[key]))
    shown = {key: rows[key] for key in order if not chosen or key == chosen}
    audit(current_user, "view", "cycle", cycle.id, "photos compared")
    db.session.commit()
    return render_template("photos/compare.html", cycle=cycle, patient=cycle.plan.patient,
                           rows=shown, labels=labels, sites=sorted(labels.items(),
                                                                   key=lambda kv: kv[1]),
                           chosen=chosen, moments=photo_form.moment_names())


# ---------------------------------------------------------------- in the record's pages


@bp.app_template_global()
def record_photos(record: SessionRecord) -> dict[str, Any]:
    """What a session record's page shows of its photos (templates/photos/_record.html)."""
    return {"photos": service.record_photos(record.id),
            **form_context(record.patient, record, None)}


@bp.app_template_global()
def patient_photos(patient: Patient) -> dict[str, Any]:
    """What a patient's page shows of their photos (templates/photos/_patient.html)."""
    photos = service.patient_photos(patient.id)
    consent = service.photo_consent(patient.id)
    return {"photos": photos, "consent": consent, "may_take": service.may_take(consent),
            "consent_refusal": None if service.may_take(consent) else
            photo_form.consent_refusal(consent),
            "compared": [c for c in patient.cycles
                         if any(p.cycle_id == c.id for p in photos)]}


@bp.app_template_global()
def card_found(photo: Photo) -> dict[str, Any] | None:
    """The calibration card as found in a photo, to draw over it (templates/photos/
    _overlay.html) in the photo's pixels as an SVG's (a pixel's centre at +0.5): each marker's
    corners as found, and the card's outline where the fitted plane puts it (None: no scale)."""
    plane = photo.plane
    if plane is None:
        return None
    outline = plane.to_image(card_outline_mm())
    return {"width": photo.width, "height": photo.height,
            "markers": [(marker_id, _points(corners)) for marker_id, corners in plane.markers],
            "outline": _points(outline.ravel().tolist())}


def _points(flat: Any) -> str:
    """x0, y0, x1, y1... in OpenCV's pixels as an SVG polygon's points."""
    return " ".join(f"{flat[i] + 0.5:.1f},{flat[i + 1] + 0.5:.1f}"
                    for i in range(0, len(flat) - 1, 2))


@bp.app_template_global()
def photo_caption(photo: Photo) -> str:
    """A photo in a few words: when, of what."""
    return f"{photo_form.moment_names()[photo.moment]} · {photo_form.photo_site(photo)}"
