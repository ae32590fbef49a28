"""An upload made fit to keep (planner/photos/cleaning.py), without the app: the formats taken
and what each becomes, the colour profile, the time the camera says, the refusals' codes."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageCms

from planner.photos.cleaning import MAX_PIXELS, PhotoRefused, clean
from tests.helpers.photos import phone_jpeg, png


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_what_each_format_becomes():
    rgba = Image.new("RGBA", (20, 10), (200, 0, 0, 0))  # fully transparent red
    assert clean(encoded(rgba, "PNG")).content_type == "image/png"
    assert opened(clean(encoded(rgba, "PNG")).data).mode == "RGBA"  # PNG keeps its alpha
    from_webp = clean(encoded(rgba, "WEBP", lossless=True))
    assert from_webp.content_type == "image/jpeg" and from_webp.extension == "jpg"
    kept = opened(from_webp.data)
    assert kept.mode == "RGB" and min(kept.getpixel((5, 5))) > 240  # laid on white
    grey = clean(encoded(Image.new("L", (20, 10), 90), "JPEG"))
    assert opened(grey.data).mode == "L"
    assert opened(clean(png()).preview).format == "JPEG"


def test_a_multi_picture_jpeg_is_its_first_picture():
    first, depth = Image.new("RGB", (30, 20), (0, 120, 0)), Image.new("RGB", (30, 20), "white")
    data = encoded(first, "MPO", save_all=True, append_images=[depth])
    assert opened(data).format == "MPO"
    kept = opened(clean(data).data)
    assert kept.format == "JPEG" and kept.getpixel((10, 10))[1] > 100


def test_a_colour_profile_is_applied_then_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encoded(Image.new("RGB", (20, 20), (180, 90, 60)), "JPEG", quality=95,
                   icc_profile=srgb)
    assert opened(data).info.get("icc_profile")
    kept = opened(clean(data).data)
    assert "icc_profile" not in kept.info
    assert all(abs(a - b) < 6 for a, b in zip(kept.getpixel((10, 10)), (180, 90, 60),
                                              strict=True))


def test_the_time_taken_is_read_before_the_metadata_goes():
    assert clean(phone_jpeg()).taken_at.isoformat() == "2026-11-20T10:31:07"
    exif = Image.Exif()
    exif[ExifTags.Base.DateTime] = "2025:02:03 04:05:06"  # no DateTimeOriginal: DateTime
    assert clean(encoded(Image.new("RGB", (8, 8)), "JPEG", exif=exif)).taken_at.year == 2025
    exif[ExifTags.Base.DateTime] = "1970:01:01 00:00:00"  # a camera never set: not believed
    assert clean(encoded(Image.new("RGB", (8, 8)), "JPEG", exif=exif)).taken_at is None
    assert clean(png()).taken_at is None


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "heic"),
    (b"GIF89a\x01\x00", "format"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
    (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "format"),
    (b"hello", "not-image"),
])
def test_the_refusals_say_why(data, code):
    with pytest.raises(PhotoRefused) as refused:
        clean(data)
    assert refused.value.code == code


def test_an_image_claiming_too_many_pixels_is_refused_before_its_pixels_are_read():
    side = int(MAX_PIXELS ** 0.5) + 1
    huge = encoded(Image.new("1", (side, side)), "PNG")  # a few kB that claim 50 MP
    assert len(huge) < 200_000
    with pytest.raises(PhotoRefused) as refused:
        clean(huge)
    assert refused.value.code == "too-many-pixels"


def test_a_photo_cut_short_is_refused_even_where_pillow_was_told_to_take_them(monkeypatch):
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process: a photo cut
    short is still refused, and the setting is left as it was."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(PhotoRefused) as refused:
        clean(phone_jpeg(640, 480)[:-3000])
    assert refused.value.code == "damaged"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    assert clean(phone_jpeg()).width == 32
