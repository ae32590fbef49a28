"""Consents: the clinic's consent texts (a new version for every edit) and the consents patients
sign on the screen; the consent a session record is signed on.

A patient's consent to a treatment holds for every session of that treatment until they sign
again ([our default]: the consent covers the treatment, the sessions of a cycle included, as
the paper forms in the clinic's seeds do); the newest one is the one a record is signed on. A
later version of the clinic's text does not undo what a patient signed: the record keeps, and
prints, the version the patient read.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from planner import consent_texts
from planner.core.clinical import TREATMENTS
from planner.core.signature import Signature
from planner.extensions import db
from planner.models import Consent, ConsentText, Patient, User, audit
from planner.services.refusals import Changed

MAX_BODY = 20_000  # [our default]: a consent text of a few pages at most

MAX_SIGNER = 120


def current_text(treatment: str, language: str) -> tuple[int, str]:
    """The version of ``treatment``'s consent text in ``language`` a patient reads now, and the
    text: the clinic's newest, else the built-in version 1."""
    row = db.session.scalar(
        select(ConsentText).where(ConsentText.treatment == treatment,
                                  ConsentText.language == language)
        .order_by(ConsentText.version.desc()).limit(1))
    if row is None:
        return 1, consent_texts.built_in(treatment, language)
    return row.version, row.body


def text_versions(treatment: str, language: str) -> list[ConsentText]:
    """The clinic's versions of a text, newest first (the built-in version 1 is not a row)."""
    return list(db.session.scalars(
        select(ConsentText).where(ConsentText.treatment == treatment,
                                  ConsentText.language == language)
        .order_by(ConsentText.version.desc())))


def publish_text(treatment: str, language: str, body: str, read_version: int,
                 actor: User) -> ConsentText:
    """The clinic's next version of a text, edited from ``read_version``; committed.
    Changed: someone published another version since it was read."""
    version, _text = current_text(treatment, language)
    if version != read_version:
        raise Changed(version)
    row = ConsentText(treatment=treatment, language=language, version=version + 1, body=body,
                      created_by_id=actor.id)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # another version saved a moment ago, between the read and here
        db.session.rollback()
        raise Changed(None) from None
    audit(actor, "create", "consent_text", row.id, f"{treatment} {language} v{row.version}")
    db.session.commit()
    return row


def take(patient: Patient, treatment: str, language: str, read_version: int,
         signature: Signature, signer_name: str, photos: tuple[bool, bool],
         actor: User) -> Consent:
    """Keep a patient's signed consent to ``treatment``, on the text of ``read_version`` in
    ``language`` that they read; ``photos``: their answers for photos in the record and for
    teaching. Committed. Changed: the clinic published another version while they read."""
    version, body = current_text(treatment, language)
    if version != read_version:
        raise Changed(version)
    consent = Consent(patient_id=patient.id, treatment=treatment, language=language,
                      text_version=version, body=body, photos_record=photos[0],
                      photos_teaching=photos[1], signer_name=signer_name,
                      strokes_json=signature.as_json(), taken_by_id=actor.id,
                      taken_by_name=actor.full_name)
    db.session.add(consent)
    db.session.flush()
    audit(actor, "create", "consent", consent.id,
          f"{treatment} v{version} {language}; photos record {'yes' if photos[0] else 'no'}, "
          f"teaching {'yes' if photos[1] else 'no'}")
    db.session.commit()
    return consent


def latest(patient_id: int, treatment: str) -> Consent | None:
    """The patient's newest consent to ``treatment`` (None: never signed)."""
    return db.session.scalar(
        select(Consent).where(Consent.patient_id == patient_id, Consent.treatment == treatment)
        .order_by(Consent.signed_at.desc(), Consent.id.desc()).limit(1))


def patient_consents(patient_id: int) -> list[Consent]:
    """A patient's consents, newest first."""
    return list(db.session.scalars(
        select(Consent).where(Consent.patient_id == patient_id)
        .order_by(Consent.signed_at.desc(), Consent.id.desc())))


def edited_counts() -> dict[tuple[str, str], int]:
    """How many versions the clinic wrote, by (treatment, language)."""
    rows = db.session.execute(
        select(ConsentText.treatment, ConsentText.language, func.count())
        .group_by(ConsentText.treatment, ConsentText.language))
    return {(t, lang): n for t, lang, n in rows}


def treatments() -> tuple[str, ...]:
    """The treatments a consent is for: the core's."""
    return tuple(TREATMENTS)
