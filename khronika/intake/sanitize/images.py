"""Photos: decode, turn upright, re-encode the pixels alone.

Threat 4 (a source identified by the file): a phone photo carries the GPS position where it was
taken, the camera's make, model and serial number, the time, the editing software, a thumbnail that
may show the uncropped original, and comments. Re-encoding copies none of it: only the pixels go into
a fresh image, so no metadata block we did not think of can survive either.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from PIL import ExifTags, Image, ImageFile, ImageOps, PngImagePlugin, UnidentifiedImageError

from .detect import JPEG, PHOTO, PNG, WEBP, Kind
from .result import CleanFile, RefusedFile, too_large_inside, unreadable

# Threat: a small file that decodes to billions of pixels exhausts memory (a decompression bomb).
# Pillow's own limit (about 89 megapixels, far above any phone camera's 12-50) is enforced before
# decoding, as an error rather than Pillow's mere warning.
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485

_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}

_BASE = ExifTags.Base
_CAMERA_TAGS = {
    _BASE.Make,
    _BASE.Model,
    _BASE.LensMake,
    _BASE.LensModel,
}
# A serial number links every photo taken with the same camera, across cases and sources.
_SERIAL_TAGS = {_BASE.BodySerialNumber, _BASE.LensSerialNumber}
_DATE_TAGS = {
    _BASE.DateTime,
    _BASE.DateTimeOriginal,
    _BASE.DateTimeDigitized,
    _BASE.OffsetTime,
    _BASE.OffsetTimeOriginal,
    _BASE.OffsetTimeDigitized,
}
_AUTHOR_TAGS = {_BASE.Artist, _BASE.Copyright, _BASE.XPAuthor, _BASE.CameraOwnerName}
_COMMENT_TAGS = {
    _BASE.ImageDescription,
    _BASE.UserComment,
    _BASE.XPComment,
    _BASE.XPTitle,
    _BASE.XPSubject,
    _BASE.XPKeywords,
}


def clean_image(data: bytes, kind: Kind) -> CleanFile:
    """Re-encode the photo without any metadata and say what the original carried."""
    try:
        with Image.open(io.BytesIO(data), formats=[_FORMATS[kind]]) as original:
            width, height = original.size
            if width * height > MAX_PIXELS:
                raise too_large_inside(PHOTO)
            removed = _describe_metadata(original)
            if getattr(original, "n_frames", 1) > 1:
                if kind is not JPEG:
                    raise RefusedFile(
                        _("We cannot clean animated images. Please send a still photo or a video instead.")
                    )
                # Phones store depth and HDR maps as extra pictures after the photo (MPO): only the
                # photo itself is kept.
                original.seek(0)
                removed += (
                    str(
                        pgettext_lazy("removed metadata", "extra hidden pictures (depth or brightness maps)")
                    ),
                )
            # Raises on truncated or corrupt data, unless a library imported into this process (WeasyPrint
            # does) switched Pillow to accepting truncated images: refuse them whatever it says.
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            original.load()
            # In place: an upright photo (most of them) is not copied here only to be copied again
            # below (a 12-megapixel copy costs tens of milliseconds per photo under load).
            ImageOps.exif_transpose(original, in_place=True)
            content = _encode_pixels_only(original, kind)
    except RefusedFile:
        raise
    except Image.DecompressionBombError:
        raise too_large_inside(PHOTO) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, KeyError, IndexError):
        raise unreadable(PHOTO) from None
    return CleanFile(content, kind.media_type, kind.extension, removed)


def _encode_pixels_only(image: Image.Image, kind: Kind) -> bytes:
    """A new image built from the pixels alone, so ``info`` (EXIF, ICC, XMP, text) cannot follow."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    elif image.mode not in {"1", "L", "LA", "RGB", "RGBA", "CMYK", "P", "I", "I;16"}:
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if kind is JPEG and image.mode not in {"L", "RGB", "CMYK"}:
        image = image.convert("RGB")
    bare = Image.new(image.mode, image.size)
    bare.paste(image)  # a C-level copy of the pixels; no attribute of the original comes along
    if image.mode == "P":
        palette = image.getpalette()
        if palette is not None:
            bare.putpalette(palette)
    out = io.BytesIO()
    if kind is JPEG:
        bare.save(out, "JPEG", quality=90)
    elif kind is PNG:
        bare.save(out, "PNG")
    else:
        bare.save(out, "WEBP", quality=90)
    return out.getvalue()


def _describe_metadata(image: Image.Image) -> tuple[str, ...]:
    """Plain-language names of the metadata present in the original, in a stable order."""
    found: list[str] = []
    exif = image.getexif()
    tags = set(exif)
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    tags |= set(exif_ifd)
    if _BASE.GPSInfo in exif:
        found.append(str(pgettext_lazy("removed metadata", "GPS location")))
    if tags & _CAMERA_TAGS:
        found.append(str(pgettext_lazy("removed metadata", "camera make and model")))
    if tags & _SERIAL_TAGS:
        found.append(str(pgettext_lazy("removed metadata", "camera serial number")))
    if tags & _DATE_TAGS:
        found.append(str(pgettext_lazy("removed metadata", "date taken")))
    if _BASE.Software in tags:
        found.append(str(pgettext_lazy("removed metadata", "software name")))
    if tags & _AUTHOR_TAGS:
        found.append(str(pgettext_lazy("removed metadata", "author name")))
    if tags & _COMMENT_TAGS or "comment" in image.info:
        found.append(str(pgettext_lazy("removed metadata", "comments")))
    if exif.get_ifd(ExifTags.IFD.IFD1):
        found.append(str(pgettext_lazy("removed metadata", "thumbnail preview")))
    known = (
        _CAMERA_TAGS
        | _SERIAL_TAGS
        | _DATE_TAGS
        | _AUTHOR_TAGS
        | _COMMENT_TAGS
        | {
            _BASE.Software,
            _BASE.GPSInfo,
            _BASE.ExifOffset,
            _BASE.Orientation,
        }
    )
    if tags - known:
        found.append(str(pgettext_lazy("removed metadata", "other camera settings (EXIF)")))
    if "xmp" in image.info or "XML:com.adobe.xmp" in image.info:
        found.append(str(pgettext_lazy("removed metadata", "XMP metadata")))
    if any(marker == "APP13" for marker, _payload in getattr(image, "applist", [])):
        found.append(str(pgettext_lazy("removed metadata", "IPTC captions and keywords")))
    if "icc_profile" in image.info:
        found.append(str(pgettext_lazy("removed metadata", "colour profile")))
    if isinstance(image, PngImagePlugin.PngImageFile) and set(image.text) - {"XML:com.adobe.xmp"}:
        found.append(str(pgettext_lazy("removed metadata", "text notes")))
    return tuple(found)
