"""Photos of paper tickets made on the spot: a real QR code (segno) on a paper-like slip.

``ticket_photo`` imitates a phone picture: a cream slip with printed lines, the QR code in its
lower part, laid slightly askew on a darker, noisy table, saved as a JPEG with an EXIF
orientation tag (the camera held sideways stores the pixels turned and says so in EXIF).
"""

import io
from typing import Literal

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter

ImageKind = Literal["JPEG", "PNG", "WEBP"]
# EXIF orientation 6: the stored pixels must be turned 90° clockwise to be seen upright.
TURNED_CLOCKWISE = 6
EXIF_ORIENTATION_TAG = 0x0112


def ticket_url(draw_no: int, games: list[list[int]], kind: str = "m") -> str:
    """The URL a real ticket's QR code holds, with a 10-digit serial tail."""
    encoded = "".join(kind + "".join(f"{n:02d}" for n in game) for game in games)
    return f"https://m.dhlottery.co.kr/qr.do?method=winQr&v={draw_no:04d}{encoded}0123456789"


def qr_image(text: str, scale: int = 8) -> Image.Image:
    """A plain QR code of ``text`` (greyscale, with its quiet zone)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def ticket_photo(
    text: str,
    *,
    size: tuple[int, int] = (4000, 3000),
    angle: float = 7.0,
    exif_orientation: int | None = None,
    kind: ImageKind = "JPEG",
    seed: int = 0,
    grain: float = 0.0,
) -> bytes:
    """A phone-like photo (``size`` pixels) of a ticket whose QR code holds ``text``.

    ``grain`` adds sensor noise of that standard deviation at full resolution, which makes the
    file as large as a real phone photo (about 4 MB at 12 megapixels with ``grain=6``).
    """
    rng = np.random.default_rng(seed)
    width, height = size
    noise = rng.normal(90, 18, (height // 8, width // 8, 3)).clip(0, 255).astype(np.uint8)
    table = Image.fromarray(noise).resize(size, Image.Resampling.BILINEAR)
    slip = _slip(text, height)
    slip = slip.rotate(
        angle, expand=True, fillcolor=(0, 0, 0, 0), resample=Image.Resampling.BICUBIC
    )
    table.paste(slip, ((width - slip.width) // 2, (height - slip.height) // 2), slip)
    photo = table.filter(ImageFilter.GaussianBlur(1.2))
    if grain:
        pixels = np.asarray(photo, dtype=np.float32) + rng.normal(0, grain, (height, width, 1))
        photo = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    if exif_orientation == TURNED_CLOCKWISE:
        photo = photo.transpose(Image.Transpose.ROTATE_90)  # stored sideways, EXIF says so
    return encode(photo, kind, exif_orientation)


def encode(image: Image.Image, kind: ImageKind, exif_orientation: int | None = None) -> bytes:
    """``image`` as a file of ``kind``, with an EXIF orientation tag when given."""
    buffer = io.BytesIO()
    options: dict[str, object] = {"quality": 88} if kind in ("JPEG", "WEBP") else {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[EXIF_ORIENTATION_TAG] = exif_orientation
        options["exif"] = exif.tobytes()
    image.convert("RGB").save(buffer, format=kind, **options)
    return buffer.getvalue()


def _slip(text: str, photo_height: int) -> Image.Image:
    slip_height = int(photo_height * 0.8)
    slip_width = int(slip_height * 0.55)
    slip = Image.new("RGBA", (slip_width, slip_height), (246, 240, 226, 255))
    draw = ImageDraw.Draw(slip)
    for row in range(12):  # printed game lines above the code
        top = int(slip_height * (0.08 + row * 0.04))
        draw.rectangle(
            (slip_width * 0.08, top, slip_width * 0.85, top + slip_height * 0.012),
            fill=(60, 60, 70),
        )
    code = qr_image(text, scale=max(slip_width // 120, 2)).convert("RGBA")
    side = int(slip_width * 0.42)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    slip.paste(code, ((slip_width - side) // 2, int(slip_height * 0.62)))
    return slip
