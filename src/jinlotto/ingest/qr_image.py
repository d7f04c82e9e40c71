"""Reading the QR text out of a photo of a paper ticket (JPEG, PNG or WebP).

The checks run on the file's header before any pixel is decoded: a file over ``MAX_IMAGE_BYTES``
or an image over ``MAX_IMAGE_PIXELS`` is refused without decoding it. A phone photo is decoded at
a reduced scale first (JPEG decoders can skip detail for free, and a ticket's QR code stays large
enough); only when no code is found there is the full image tried. The EXIF orientation is
applied, so the code is read in the direction the camera held it.
"""

import io
import logging
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from jinlotto.errors import ImageTooLargeError, InvalidImageError

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
FIRST_PASS_EDGE = 2000  # long edge, in pixels, of the reduced first pass


def read_qr_text(data: bytes) -> str:
    """The text of the first QR code in an image file.

    Raises :class:`InvalidImageError` for a file that is too large, not a JPEG/PNG/WebP image,
    or holds no readable QR code.
    """
    # Imported here, in the worker that reads a photo: imported in gunicorn's master before the
    # fork, its bindings report every object still alive as a leak when the master exits.
    import zxingcpp

    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLargeError(
            f"the photo is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB",
            detail={"reason": "too_large"},
        )
    for long_edge in (FIRST_PASS_EDGE, None):
        grey = upright_grey(data, long_edge)
        qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        found = zxingcpp.read_barcodes(grey, formats=qr_only)
        logger.debug("QR pass at %d px found %d codes", max(grey.size), len(found))
        if found:
            return found[0].text
        if long_edge is not None and max(grey.size) < long_edge:
            break  # the first pass already saw every pixel
    raise InvalidImageError(
        "no QR code was found in the photo; photograph the ticket's QR code",
        detail={"reason": "no_qr_code"},
    )


def upright_grey(data: bytes, long_edge: int | None = None) -> Image.Image:
    """The photo in greyscale, turned as its EXIF orientation says, at most ``long_edge`` wide
    and high (the full size when ``None``)."""
    image = _open_checked(data)
    try:
        if long_edge is not None and max(image.size) > long_edge:
            scale = long_edge / max(image.size)
            image.draft("L", (round(image.width * scale), round(image.height * scale)))
        grey = ImageOps.exif_transpose(image.convert("L"))
        if long_edge is not None:
            grey.thumbnail((long_edge, long_edge), Image.Resampling.BILINEAR)
    except (OSError, ValueError, SyntaxError):
        # A truncated or corrupt file fails only when its pixels are decoded.
        raise InvalidImageError(
            "the photo could not be decoded; the file may be damaged", detail={"reason": "damaged"}
        ) from None
    return grey


def _open_checked(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidImageError(
            f"the photo has too many pixels; at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels",
            detail={"reason": "too_many_pixels"},
        ) from None
    except (UnidentifiedImageError, OSError):
        raise InvalidImageError(
            "the file is not a JPEG, PNG or WebP image", detail={"reason": "format"}
        ) from None
    if image.format not in ACCEPTED_FORMATS:
        raise InvalidImageError(
            f"the photo must be JPEG, PNG or WebP, not {image.format or 'an unknown format'}",
            detail={"reason": "format"},
        )
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise InvalidImageError(
            f"the photo has {width * height / 1e6:.0f} megapixels; at most "
            f"{MAX_IMAGE_PIXELS // 1_000_000} are accepted",
            detail={"reason": "too_many_pixels"},
        )
    return image
