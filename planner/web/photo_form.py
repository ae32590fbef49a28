"""The photo form: the sites a photo can be of (those of the patient's plans), the fields read
from the form, and every refusal in the user's words, each naming its field."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from planner.bodymaps import atlas
from planner.bodymaps.view import BodyMapError
from planner.models import MOMENTS, Consent, Photo
from planner.photos.cleaning import MAX_BYTES, MAX_PIXELS, PhotoRefused
from planner.services.photos import MAX_NOTE, MAX_SITE_TEXT
from planner.web.i18n import current_locale, format_date
from planner.wording import site_name

SIDES = ("left", "right", "bilateral", "")


@dataclass(frozen=True)
class Site:
    """A site a photo can be of: a view of the body map with its side, and a region of it."""

    view: str
    side: str
    region: str

    @property
    def value(self) -> str:
        return f"{self.view}|{self.side}|{self.region}"


def field_labels() -> dict[str, str]:
    """The form's fields as the page names them (each message starts with its field)."""
    return {"photo": _("Photo"), "moment": _("When"), "site": _("Site"),
            "site_text": _("Site in words"), "note": _("Notes"),
            "teaching": _("For teaching"), "consent": _("Consent")}


def moment_names() -> dict[str, str]:
    return {"before": _("Before the session"), "after": _("After the session"),
            "other": _("Other")}


def plan_sites(plan_json: str) -> list[Site]:
    """The sites of a plan: each area's region (an area drawn by hand: the whole view)."""
    try:
        doc = json.loads(plan_json)
    except ValueError:
        return []
    view, side = doc.get("bodymap"), doc.get("side") or ""
    if not isinstance(view, str) or view not in atlas.view_ids():
        return []
    side = side if side in SIDES else ""
    found = [Site(view, side, area["region"] if isinstance(area.get("region"), str) else "")
             for area in doc.get("areas", []) if isinstance(area, dict)]
    return found or [Site(view, side, "")]


def unique(sites: Iterable[Site]) -> list[Site]:
    return list(dict.fromkeys(sites))


def site_label(view_id: str, side: str, region_id: str, text: str = "") -> str:
    """A site in words, as a clinician says it: "right knee · medial", "face · forehead"; the
    words typed follow (or stand alone)."""
    if not view_id:
        return text
    language = current_locale()
    parts: list[str] = []
    try:
        view = atlas.get_view(view_id, side if side in ("left", "right") else None)
        parts.append(site_name(view_id, side, _) or view.label.get(language, view_id))
        if region_id:
            parts.append(view.region(region_id).label.get(language, region_id))
    except (BodyMapError, KeyError, ValueError):
        parts.append(region_id or view_id)
    if side in ("left", "right", "bilateral") and site_name(view_id, side, _) is None:
        parts.append({"left": _("patient's left"), "right": _("patient's right"),
                      "bilateral": _("both sides")}[side])
    if text:
        parts.append(text)
    return " · ".join(parts)


def photo_site(photo: Photo) -> str:
    return site_label(photo.site_view, photo.site_side, photo.site_region, photo.site_text)


def chosen_file(files: MultiDict[str, FileStorage]) -> FileStorage | None:
    """The photo sent: the camera's input or the file chooser's (both are named "photo"; the
    one left empty is sent with no file name)."""
    for upload in files.getlist("photo"):
        if upload and upload.filename:
            return upload
    return None


def parse(form: MultiDict[str, str], sites: list[Site]) -> tuple[dict[str, Any], dict[str, str]]:
    """The photo's details as typed, and the problems by field (none: fine)."""
    values: dict[str, Any] = {
        "moment": form.get("moment", ""), "site": form.get("site", ""),
        "site_text": " ".join(form.get("site_text", "").split()),
        "note": form.get("note", "").strip(), "teaching": form.get("teaching") == "1"}
    problems: dict[str, str] = {}
    if values["moment"] not in MOMENTS:
        problems["moment"] = _("choose before the session, after it, or other.")
    offered = {site.value: site for site in sites}
    if values["site"] and values["site"] not in offered:
        problems["site"] = _("choose one of the sites offered.")
    elif not values["site"] and not values["site_text"]:
        problems["site"] = _("choose the site of the plan, or describe it in words.")
    if len(values["site_text"]) > MAX_SITE_TEXT:
        problems["site_text"] = _("at most %(n)d characters.", n=MAX_SITE_TEXT)
    if len(values["note"]) > MAX_NOTE:
        problems["note"] = _("at most %(n)d characters.", n=MAX_NOTE)
    site = offered.get(values["site"])
    values["site_view"] = site.view if site else ""
    values["site_side"] = site.side if site else ""
    values["site_region"] = site.region if site else ""
    return values, problems


def refusal(exc: PhotoRefused) -> str:
    """Why the photo itself was refused (the field is the photo)."""
    words = {
        "empty": _("choose a photo, or take one with the camera."),
        "too-large": _("the file is larger than %(mb)d MB: send a smaller photo (a phone's "
                       "photo is 2 to 8 MB).", mb=MAX_BYTES // (1024 * 1024)),
        "not-image": _("this file is not a photo: send a JPEG, PNG or WebP image."),
        "format": _("a %(format)s file is not taken: send a JPEG, PNG or WebP photo.",
                    format=exc.found),
        "heic": _("HEIC photos are not taken: set the camera to “Most compatible” (JPEG), "
                  "or send the photo as JPEG."),
        "animated": _("an animated image is not a photo: send a still JPEG, PNG or WebP."),
        "too-many-pixels": _("the image has more than %(mp)d megapixels: send it at a smaller "
                             "size.", mp=MAX_PIXELS // 1_000_000),
        "damaged": _("the file is damaged or cut short: take or send the photo again."),
    }
    return words.get(exc.code, words["not-image"])


def consent_refusal(consent: Consent | None) -> str:
    """Why no photo can be taken: no consent signed, or the newest one says no."""
    if consent is None:
        return _("the patient has not signed a consent yet. A photo needs their consent to "
                 "photos in the record: have them sign it first.")
    return _("the patient's consent of %(day)s says no to photos in the record: no photo can "
             "be taken. If the patient agrees now, have them sign the consent again.",
             day=format_date(consent.signed_at.date()))


def teaching_refusal() -> str:
    return _("the patient's consent does not allow teaching use: the photo can be kept for "
             "the record only.")
