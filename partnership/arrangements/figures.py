"""Pictures uploaded into the arrangements: checked, decoded and re-encoded as PNG.

Only PNG, JPEG, GIF and WebP files are read, up to :data:`MAX_BYTES` and
:data:`MAX_SIDE` pixels a side. The pixels are copied into a new image, so nothing the
file carried besides them (EXIF, GPS, comments, colour profiles, other frames) is kept, and
saved as PNG. The PNG is stored once under its SHA-256 (:class:`FigureImage`, append-only).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, UnidentifiedImageError

from partnership.arrangements.models import FigureImage
from partnership.extensions import db
from partnership.kernel.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4000
FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP"}
MEDIA_TYPE = "image/png"
KEPT_MODES = {"1", "L", "LA", "RGB", "RGBA"}


class FigureRefused(DomainError):
    """A picture that cannot be used (the message says why, next to the file field)."""


@dataclass(frozen=True)
class CleanImage:
    """A picture re-encoded as PNG, with its size and SHA-256."""

    png: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        """Identify the picture by its content."""
        return hashlib.sha256(self.png).hexdigest()


def _refuse(message: str) -> FigureRefused:
    return FigureRefused(message, field="image")


def reencode(data: bytes) -> CleanImage:
    """Check a file is a picture we accept, then re-encode its pixels alone as PNG."""
    if not data:
        raise _refuse("Choose a picture to upload")
    if len(data) > MAX_BYTES:
        raise _refuse(f"The picture must be {MAX_BYTES // (1024 * 1024)} MB or smaller")
    # WeasyPrint, once imported, lets Pillow accept truncated files: not here.
    truncated_allowed, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as checked:
            checked.verify()  # PNG: every chunk's checksum, up to the end
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as picture:
                width, height = picture.size
                if width > MAX_SIDE or height > MAX_SIDE:
                    raise _refuse(f"The picture must be at most {MAX_SIDE} by {MAX_SIDE} "
                                  f"pixels (this one is {width} by {height})")
                picture.seek(0)  # the first frame of an animation
                picture.load()
                frame = picture if picture.mode in KEPT_MODES else picture.convert(
                    "RGBA" if "A" in picture.mode or "transparency" in picture.info
                    else "RGB")
                pixels = Image.frombytes(frame.mode, frame.size, frame.tobytes())
    except FigureRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise _refuse("The file must be a picture saved as PNG, JPEG, GIF or WebP") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refuse("The picture could not be read: the file may be damaged. Save it "
                      "again as PNG or JPEG and upload it again") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed
    out = io.BytesIO()
    pixels.save(out, "PNG", optimize=True)
    return CleanImage(out.getvalue(), pixels.width, pixels.height)


def store_image(data: bytes) -> FigureImage:
    """Re-encode a picture and store it once by its SHA-256 (flushed, not committed)."""
    clean = reencode(data)
    image = db.session.get(FigureImage, clean.sha256)
    if image is None:
        image = FigureImage(sha256=clean.sha256, media_type=MEDIA_TYPE, data=clean.png,
                            width=clean.width, height=clean.height)
        db.session.add(image)
        db.session.flush()
    return image
