"""An uploaded photo made fit to keep: opened by Pillow within limits, turned upright, stripped
of every metadata and re-encoded; anything else refused (PhotoRefused, with a code the caller
words).

Photos are health data. A phone's JPEG carries where it was taken (GPS), the phone's make,
model and serial numbers, the software, thumbnails of its own, sometimes the owner's name (EXIF,
XMP, comments). None of that is kept: the pixels are copied into a new image that has no
metadata at all, and that is what is encoded. The one fact read from the metadata first is when
the photo was taken (EXIF DateTimeOriginal), which the record keeps as a field of its own.

Colour: a photo tagged with another colour space (an iPhone's Display P3) is converted to sRGB
and stored untagged (an untagged image is shown as sRGB), so that the redness of the skin is
seen as it was; the ICC profile itself goes, like every other metadata (it names the device).
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

# [our default]: a phone's photo is 2-8 MB; 20 MB leaves room for a 48-megapixel JPEG.
MAX_BYTES = 20 * 1024 * 1024
# [our default]: 50 megapixels, the largest phone cameras' full resolution (8192 x 6144); a
# decoded image of that size takes 150 MB of memory. A file that claims more is refused before
# its pixels are read (a "decompression bomb" claims billions in a few kilobytes).
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 90  # [our default]: no visible loss on skin, a third of the camera's size
PREVIEW_SIDE = 800  # [our default]: the longer side of the preview shown in the pages, px
PREVIEW_QUALITY = 82

# What Pillow may open (its other readers are never tried), and what each is stored as: PNG
# stays PNG (lossless), the others become JPEG. MPO is a JPEG with extra pictures (depth maps,
# an HDR gain map) that many phones write: its first picture is the photo.
STORED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "JPEG"}
OPENED = ("JPEG", "PNG", "WEBP")  # Pillow's JPEG reader gives an MPO file as MPO
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}

# Formats told by their first bytes, to say what a refused file is.
MAGIC = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF8", "GIF"),
         (b"%PDF", "PDF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
         (b"\x00\x00\x01\x00", "ICO"))
HEIF_BRANDS = (b"heic", b"heix", b"heif", b"mif1", b"msf1", b"hevc", b"avif")


class PhotoRefused(ValueError):
    """An upload that is not kept. ``code``: empty, too-large, not-image, format (``found``
    names it), heic, animated, too-many-pixels, damaged."""

    def __init__(self, code: str, found: str = "") -> None:
        super().__init__(f"{code} {found}".strip())
        self.code = code
        self.found = found


@dataclass(frozen=True)
class CleanPhoto:
    """A photo as it is kept: its bytes and a preview's, both without any metadata."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    preview: bytes  # JPEG, at most PREVIEW_SIDE px on its longer side
    sha256: str  # of ``data``
    taken_at: datetime | None  # the camera's clock (local time, as EXIF has it), if it said


def clean(data: bytes) -> CleanPhoto:
    """The upload ``data`` made fit to keep (PhotoRefused otherwise)."""
    if not data:
        raise PhotoRefused("empty")
    if len(data) > MAX_BYTES:
        raise PhotoRefused("too-large")
    image = _opened(data)
    taken_at = _taken_at(image)
    try:
        with _strict_loading():
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as exc:  # cut short, or damaged
        raise PhotoRefused("damaged") from exc
    stored_as = STORED_AS[str(image.format)]
    pixels = _plain(_in_srgb(upright), stored_as)
    out = io.BytesIO()
    if stored_as == "JPEG":
        pixels.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        pixels.save(out, "PNG", compress_level=6)
    kept = out.getvalue()
    return CleanPhoto(kept, CONTENT_TYPES[stored_as], EXTENSIONS[stored_as], pixels.width,
                      pixels.height, _preview(pixels), hashlib.sha256(kept).hexdigest(),
                      taken_at)


_LOADING = threading.Lock()


@contextmanager
def _strict_loading() -> Iterator[None]:
    """Pillow refuses a file cut short while a photo loads, whatever the process set: WeasyPrint
    (the printouts) turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when it is
    imported, and a photo cut short would then be kept with its missing part grey. The setting
    is Pillow's module's own: photos load one at a time, and it is given back after each."""
    with _LOADING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _opened(data: bytes) -> Image.Image:
    """The upload opened (its header read, not its pixels), or refused: not an image, a format
    not taken, an animation, too many pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=OPENED)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused("too-many-pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        found = _format_of(data)
        if found == "HEIC":
            raise PhotoRefused("heic") from None
        if found in OPENED:  # one of ours by its first bytes, that Pillow cannot read
            raise PhotoRefused("damaged") from None
        raise PhotoRefused("format" if found else "not-image", found) from None
    if image.width * image.height > MAX_PIXELS:
        raise PhotoRefused("too-many-pixels")
    if image.format in ("PNG", "WEBP") and getattr(image, "is_animated", False):
        raise PhotoRefused("animated")
    return image


def _format_of(data: bytes) -> str:
    """The name of a format Pillow is not let to open, told by the file's first bytes ("" for
    none known)."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIC"
    head = data[:256].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:2048]):
        return "SVG"
    return ""


def _taken_at(image: Image.Image) -> datetime | None:
    """When the camera says it took the photo (DateTimeOriginal, else DateTime), if it says a
    plausible time."""
    try:
        exif = image.getexif()
        text = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) \
            or exif.get(ExifTags.Base.DateTime)
        if not isinstance(text, str):
            return None
        taken = datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except Exception:  # any damage in the metadata: the time is simply not known
        return None
    return taken if 2000 <= taken.year <= datetime.now().year + 1 else None


def _in_srgb(image: Image.Image) -> Image.Image:
    """The image's colours in sRGB: converted from its embedded profile, if it has one that
    can be read (else as they are)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _plain(image: Image.Image, stored_as: str) -> Image.Image:
    """The pixels alone, in a mode the format stores, in a new image that has no metadata at
    all (whatever the image read carried in ``info``: EXIF, XMP, comments, profiles)."""
    keeps_alpha = stored_as == "PNG"
    if image.mode in ("RGB", "L") or (keeps_alpha and image.mode in ("RGBA", "LA")):
        converted = image
    elif image.mode == "P" and keeps_alpha and "transparency" in image.info:
        converted = image.convert("RGBA")
    elif image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency"
                                                 in image.info):
        rgba = image.convert("RGBA")  # no alpha in a JPEG: laid on white
        converted = Image.new("RGB", rgba.size, "white")
        converted.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode in ("1", "I;16", "I;16B", "I;16L", "I", "F"):
        converted = image.convert("L")
    else:
        converted = image.convert("RGB")
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _preview(image: Image.Image) -> bytes:
    """A JPEG at most PREVIEW_SIDE px on its longer side, for the pages."""
    small = image.convert("RGB") if image.mode != "RGB" else image.copy()
    small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=PREVIEW_QUALITY)
    return out.getvalue()
