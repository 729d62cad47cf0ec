"""Validate an uploaded image with Pillow and return a clean copy.

Shared by avatars (accounts) and exercise images (exercises): a real image, within size and
pixel limits, decompression bombs refused, EXIF (and so GPS data) stripped, orientation kept.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def clean_uploaded_image(
    upload, *, max_bytes: int, max_pixels: int, max_side: int | None = None
) -> ContentFile:
    if upload.size > max_bytes:
        raise ValidationError(
            f"That image is {_megabytes(upload.size)}; the limit is {_megabytes(max_bytes)}.",
            code="too_big",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; treat every bomb as an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if width * height > max_pixels:
                    raise ValidationError(
                        f"That image is {width}×{height} pixels; the limit is "
                        f"{max_pixels // 1_000_000} megapixels.",
                        code="too_many_pixels",
                    )
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "That image is far too large once decoded, so we refused it.", code="bomb"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "That file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
            code="not_image",
        ) from None
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.", code="format")

    image = ImageOps.exif_transpose(image)
    if max_side:
        image.thumbnail((max_side, max_side))
    has_alpha = image.mode in ("RGBA", "LA", "P")
    image = image.convert("RGBA" if has_alpha else "RGB")
    out = io.BytesIO()
    # Re-encoding without passing exif= drops all metadata.
    if has_alpha:
        image.save(out, format="PNG", optimize=True)
        ext = "png"
    else:
        image.save(out, format="JPEG", quality=88, optimize=True)
        ext = "jpg"
    stem = (getattr(upload, "name", "") or "image").rsplit("/", 1)[-1].rsplit(".", 1)[0][:40]
    return ContentFile(out.getvalue(), name=f"{stem or 'image'}.{ext}")
