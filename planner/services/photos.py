"""Photos of the treated site: taken (with the patient's consent), marked for teaching, deleted,
read back, and gathered for a cycle's comparison.

Consent ([our default], the photo issue): the photo answers are the patient's, not a
treatment's, so the one that counts is on the patient's newest signed consent, whatever its
treatment (their latest word). A photo is taken only while it says yes to photos in the record;
a photo is marked for teaching only while it says yes to teaching too. A newer consent that says
no keeps the photos already taken (they are part of the medical record, kept as the record is)
but takes no new one; saying no to teaching withdraws the teaching use of every photo marked for
it (``teaching_use``), for as long as the newest consent says no.

Nothing is half-saved: the bytes are put in the store first, and taken out again if the row
cannot be written; a row is removed before its bytes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from planner.extensions import db
from planner.models import (
    Consent,
    Cycle,
    Patient,
    Photo,
    ScheduledSession,
    SessionRecord,
    User,
    audit,
)
from planner.photos.cleaning import clean
from planner.photos.stores import PhotoStore, new_key, preview_key
from planner.services.photo_plans import drawn_on
from planner.services.photo_scale import look_for_card
from planner.services.refusals import NotDraft, Refused

log = logging.getLogger(__name__)

MAX_NOTE = 500  # [our default]: a caption, not a report
MAX_SITE_TEXT = 120


class NoPhotoConsent(Refused):
    """The patient's newest consent does not say yes to photos in the record (``consent``:
    that consent, or None when they never signed one)."""

    def __init__(self, consent: Consent | None) -> None:
        super().__init__("no consent to photos in the record")
        self.consent = consent


class PhotoInUse(Refused):
    """A plan is drawn on the photo (its grid is in mm on the photo's card): the photo stays
    while the plan does. ``plans``: their titles."""

    def __init__(self, plans: list[str]) -> None:
        super().__init__(plans)
        self.plans = plans


class NoTeachingConsent(Refused):
    """The patient's newest consent does not say yes to photos for teaching."""


@dataclass(frozen=True)
class PhotoDetails:
    """What the clinician says of a photo: when (before, after, other), of which site, a note,
    for teaching or not, and the session record and cycle it belongs to."""

    moment: str
    site_view: str = ""
    site_side: str = ""
    site_region: str = ""
    site_text: str = ""
    note: str = ""
    teaching: bool = False
    record: SessionRecord | None = None
    cycle: Cycle | None = None


def photo_consent(patient_id: int) -> Consent | None:
    """The consent whose photo answers count: the patient's newest, any treatment (None: they
    never signed one)."""
    return db.session.scalar(
        select(Consent).where(Consent.patient_id == patient_id)
        .order_by(Consent.signed_at.desc(), Consent.id.desc()).limit(1))


def may_take(consent: Consent | None) -> bool:
    """Whether a new photo may be taken on this consent."""
    return consent is not None and consent.photos_record


def teaching_use(photo: Photo, consent: Consent | None) -> bool:
    """Whether a photo may be used for teaching now: marked, and the newest consent says yes."""
    return photo.teaching and consent is not None and consent.photos_teaching


def add_photo(patient: Patient, data: bytes, details: PhotoDetails, actor: User,
              store: PhotoStore, via: str = "") -> Photo:
    """Keep a photo of ``patient``: checked against their consent (NoPhotoConsent,
    NoTeachingConsent), cleaned (cleaning.PhotoRefused), the calibration card looked for in it
    (photo_scale.py: its scale, or why it has none; never a refusal), put in ``store``
    (StoreError), its row written with its audit event; committed. ``via``: "API" when a
    program sent it."""
    consent = photo_consent(patient.id)
    if not may_take(consent):
        raise NoPhotoConsent(consent)
    if details.teaching and not (consent is not None and consent.photos_teaching):
        raise NoTeachingConsent()
    cleaned = clean(data)
    scale = look_for_card(cleaned.data)
    key = new_key(cleaned.extension)
    cycle = details.cycle
    if cycle is None and details.record is not None and details.record.scheduled is not None:
        cycle = details.record.scheduled.cycle
    store.put(key, cleaned.data, cleaned.content_type)
    try:
        store.put(preview_key(key), cleaned.preview, "image/jpeg")
        photo = Photo(patient_id=patient.id,
                      record_id=details.record.id if details.record else None,
                      cycle_id=cycle.id if cycle else None, moment=details.moment,
                      site_view=details.site_view, site_side=details.site_side,
                      site_region=details.site_region,
                      site_text=details.site_text[:MAX_SITE_TEXT],
                      note=details.note[:MAX_NOTE], teaching=details.teaching,
                      storage_key=key, preview_key=preview_key(key),
                      content_type=cleaned.content_type, width=cleaned.width,
                      height=cleaned.height, byte_size=len(cleaned.data),
                      sha256=cleaned.sha256, taken_at=cleaned.taken_at,
                      created_by_id=actor.id, created_by_name=actor.full_name)
        scale.apply(photo)
        db.session.add(photo)
        db.session.flush()
        words = [moment_detail(details.moment)]
        if details.record is not None:
            words.append(f"session record {details.record.id}")
        words.append(scale.word)
        if via:
            words.append(via)
        audit(actor, "create", "photo", photo.id, ", ".join(words))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        _forget(store, (key, preview_key(key)))
        raise
    return photo


def moment_detail(moment: str) -> str:
    """An audit event's words for a photo's moment (web/audit_words.py says them again)."""
    return {"before": "before the session", "after": "after the session"}.get(
        moment, "other moment")


def set_teaching(photo: Photo, teaching: bool, actor: User) -> None:
    """Mark a photo for teaching use, or take the mark off (NoTeachingConsent to mark one the
    patient's newest consent does not allow); committed."""
    if teaching:
        consent = photo_consent(photo.patient_id)
        if consent is None or not consent.photos_teaching:
            raise NoTeachingConsent()
    photo.teaching = teaching
    audit(actor, "update", "photo", photo.id,
          "teaching use marked" if teaching else "teaching use unmarked")
    db.session.commit()


def delete_photo(photo: Photo, actor: User, store: PhotoStore) -> None:
    """Delete a photo taken by mistake (the wrong patient, the wrong site): its row, then its
    bytes. A photo of a signed record stays, as the record does (NotDraft); one of a draft,
    even a discarded one, can go."""
    if photo.locked:
        raise NotDraft()
    plans = drawn_on(photo)
    if plans:
        raise PhotoInUse(plans)
    keys = (photo.storage_key, photo.preview_key)
    audit(actor, "delete", "photo", photo.id, moment_detail(photo.moment))
    db.session.delete(photo)
    db.session.commit()
    _forget(store, keys)


def _forget(store: PhotoStore, keys: Iterable[str]) -> None:
    """Remove bytes no row points to (a failure is logged: the bytes are then orphaned, never
    shown, and no patient data is in their keys)."""
    for key in keys:
        try:
            store.delete(key)
        except Exception:
            log.exception("a photo's bytes could not be removed from the store")


def patient_photos(patient_id: int) -> list[Photo]:
    """A patient's photos, newest first."""
    return list(db.session.scalars(select(Photo).where(Photo.patient_id == patient_id)
                                   .order_by(Photo.created_at.desc(), Photo.id.desc())))


def record_photos(record_id: int) -> list[Photo]:
    """The photos of a session record, before first, then after, then the others."""
    found = db.session.scalars(select(Photo).where(Photo.record_id == record_id)
                               .order_by(Photo.id))
    order = {"before": 0, "after": 1}
    return sorted(found, key=lambda p: (order.get(p.moment, 2), p.id))


def cycle_photos(cycle: Cycle) -> list[Photo]:
    """The photos of a cycle: linked to it, or to a record of one of its sessions."""
    records = select(SessionRecord.id).join(
        ScheduledSession, SessionRecord.scheduled_id == ScheduledSession.id).where(
        ScheduledSession.cycle_id == cycle.id)
    return list(db.session.scalars(
        select(Photo).where(or_(Photo.cycle_id == cycle.id, Photo.record_id.in_(records)))
        .order_by(Photo.id)))


def site_key(photo: Photo) -> str:
    """What tells one site from another in a comparison: the region (or view) with its side,
    else the words, folded."""
    if photo.site_view:
        return f"{photo.site_region or photo.site_view}|{photo.site_side}"
    return f"text|{' '.join(photo.site_text.lower().split())}"


@dataclass
class Column:
    """One session of a cycle in a comparison (``number`` None: photos of the cycle taken at
    no session), with its photos before and after."""

    number: int | None
    record: SessionRecord | None
    before: list[Photo] = field(default_factory=list)
    after: list[Photo] = field(default_factory=list)
    other: list[Photo] = field(default_factory=list)


def comparison(cycle: Cycle, photos: list[Photo]) -> dict[str, list[Column]]:
    """A cycle's photos by site, each site a row of its sessions in order (a session with no
    photo of the site is left out), each with its photos before, after and other."""
    sessions = {s.record.id: s for s in cycle.sessions if s.record is not None}
    by_site: dict[str, dict[int | None, Column]] = defaultdict(dict)
    for photo in photos:
        scheduled = sessions.get(photo.record_id or -1)
        number = scheduled.number if scheduled else None
        columns = by_site[site_key(photo)]
        column = columns.setdefault(number, Column(number, scheduled.record if scheduled
                                                   else None))
        getattr(column, photo.moment if photo.moment in ("before", "after") else "other"
                ).append(photo)
    return {key: sorted(columns.values(), key=lambda c: (c.number is not None, c.number or 0))
            for key, columns in by_site.items()}
