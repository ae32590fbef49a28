"""The FHIR export of a signed session (planner/fhir.py builds the Bundle): for the hospital or
regional record. Only a signed record is exported: a draft may still change."""

from __future__ import annotations

from flask import Blueprint, Response, flash
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from planner import fhir
from planner.bodymaps import atlas
from planner.bodymaps.view import BodyMapError, View
from planner.core import drugs
from planner.core.dosing import to_hundredths
from planner.core.messages import PlanError
from planner.core.plan import Plan
from planner.extensions import db
from planner.models import Photo, SessionRecord, audit, folded
from planner.photos.stores import StoreError
from planner.services.photos import record_photos
from planner.services.session_records import given
from planner.web.photo_files import photo_store
from planner.web.record_pages import show_record

bp = Blueprint("fhir_export", __name__)


@bp.get("/records/<int:record_id>/fhir.json")
def session_bundle(record_id: int) -> ResponseReturnValue:
    """The signed session as a FHIR R4 Bundle (JSON). The file name has the record's number,
    never the patient's name."""
    record = db.get_or_404(SessionRecord, record_id)
    if not record.signed:
        flash(_("Only a signed session can be exported: sign it first."), "error")
        return show_record(record, status=409)
    try:
        facts = session_facts(record)
    except (PlanError, ValueError, KeyError):
        flash(_("This session's plan can no longer be computed (its body map changed): it "
                "cannot be exported. The signed record itself is unchanged."), "error")
        return show_record(record, status=409)
    except StoreError:
        flash(_("A photo of this session cannot be read from the photo store: the session "
                "cannot be exported now. Try again; if it happens again, tell the "
                "administrator."), "error")
        return show_record(record, status=503)
    body = fhir.to_json(fhir.bundle(facts))
    audit(current_user, "export", "session_record", record.id, "FHIR R4 bundle" + (
        f", {len(facts.photos)} photos" if facts.photos else ""))
    db.session.commit()
    return Response(body, mimetype="application/fhir+json", headers={
        "Content-Disposition": f'attachment; filename="mesoplanner-session-{record.id}.json"'})


def session_facts(record: SessionRecord) -> fhir.SessionFacts:
    """What the Bundle says, from a signed record: what was given, not what was planned."""
    result, done = given(record)
    patient = record.patient
    lots = {folded(p.product): p for p in record.products}
    doses = []
    for component in done.components:
        product = lots.get(folded(component.name))
        drug = drugs.identify(component.drug, component.name).drug
        doses.append(fhir.Dose(
            component.name, to_hundredths(component.volume_ml),
            None if component.mg is None else to_hundredths(component.mg),
            lot=product.lot if product else "", expiry=product.expiry if product else None,
            atc=(drug.atc[0], drug.en) if drug is not None and drug.atc else None))
    return fhir.SessionFacts(
        session_id=record.id,
        patient=fhir.PatientFacts(patient.record_number, patient.family_name,
                                  patient.given_name, patient.birth_date, patient.sex),
        # Who performed and signed, as they were at the signing (a later rename or role
        # change of the accounts does not change what was signed).
        performer=record.performed_by_name, performer_role=record.performer_role,
        signer=record.signed_by_name, signer_role=record.signer_role,
        signed_at=record.signed_at,
        signer_is_performer=record.signed_by_id == record.performer_id,
        # Entered as the clinic's local time: the server's zone says which.
        performed_at=record.performed_at.astimezone(),
        sites=sites(result.plan), doses=tuple(doses), pain_scale=record.pain_scale,
        pain_before=record.pain_before, pain_after=record.pain_after,
        points=done.points_done, total_ml=to_hundredths(done.total_ml),
        photos=tuple(photo_facts(p) for p in record_photos(record.id)))


def photo_facts(photo: Photo) -> fhir.PhotoFacts:
    """A photo of the session as the Bundle carries it: its bytes as kept (StoreError)."""
    site = None
    if photo.site_view:
        try:
            view = atlas.get_view(photo.site_view, photo.site_side
                                  if photo.site_side in ("left", "right") else None)
            site = site_of(view, photo.site_region or None, photo.site_side)
        except (BodyMapError, KeyError):
            site = None  # a region gone from the atlas: the photo keeps its words only
    return fhir.PhotoFacts(
        data=photo_store().get(photo.storage_key), content_type=photo.content_type,
        width=photo.width, height=photo.height,
        # The camera's clock is the clinic's (as a session's time); else when it was kept.
        created=photo.taken_at.astimezone() if photo.taken_at else photo.created_at,
        moment=photo.moment, site=site, site_text=photo.site_text)


def sites(plan: Plan) -> tuple[fhir.Site, ...]:
    """The body structures treated, one per SNOMED CT code, each with its side: the region's
    own, else the plan's (a single-limb view drawn for one side)."""
    if plan.bodymap is None:
        return ()
    view = atlas.get_view(plan.bodymap, plan.side)
    found: dict[tuple[str, str | None], fhir.Site] = {}
    for area in plan.areas:
        site = site_of(view, area.region, plan.side)
        found.setdefault((site.snomed, site.laterality), site)
    return tuple(found.values())


def site_of(view: View, region_id: str | None, side: str | None) -> fhir.Site:
    """The body structure of a region of ``view`` (the whole view's if None), with its side:
    the region's own, else ``side`` (a single-limb view drawn for one side)."""
    if region_id is not None:
        region = view.region(region_id)
        code, name, own = region.snomed, region.label["en"], region.laterality
    else:
        code, name, own = view.snomed, view.label["en"], "none"
    laterality = own if own in fhir.LATERALITY else side if side in fhir.LATERALITY else None
    return fhir.Site(code, name, laterality)

