"""A photo's bytes handed out: the store the app's settings name (kept for the app's life), and
the answer that carries a photo, never kept in any cache."""

from __future__ import annotations

from flask import Response, current_app

from planner.models import Photo
from planner.photos.stores import PhotoStore, store_for

# [our default]: what a photo upload may send at all (the photo and the form's fields). A
# photo up to this is read and refused, if too large, with the form's message; anything larger
# is refused before it is read (web/photos.py).
READ_LIMIT = 100 * 1024 * 1024

# The photo itself, its preview, or its download (as a file).
KINDS = ("image", "preview", "download")


def photo_store() -> PhotoStore:
    """The photo store of the app's settings (StoreError if they are wrong)."""
    found: PhotoStore | None = current_app.extensions.get("photo_store")
    if found is None:
        found = current_app.extensions["photo_store"] = store_for(current_app.config)
    return found


def photo_response(photo: Photo, kind: str) -> Response:
    """The photo (``kind``: image, preview or download) read from the store (StoreError,
    PhotoMissing), answered private and never stored by a browser or a proxy."""
    store = photo_store()
    if kind == "preview":
        data, mimetype = store.get(photo.preview_key), "image/jpeg"
    else:
        data, mimetype = store.get(photo.storage_key), photo.content_type
    disposition = "attachment" if kind == "download" else "inline"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{photo.file_name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
