"""Reading the QR text out of ticket photos: formats, rotation, scale, and every refusal."""

import io
import struct
import zlib

import pytest
from PIL import Image
from tests.support.ticket_photos import (
    TURNED_CLOCKWISE,
    encode,
    qr_image,
    ticket_photo,
    ticket_url,
)

from jinlotto.errors import ImageTooLargeError, InvalidImageError
from jinlotto.ingest.qr_image import MAX_IMAGE_BYTES, read_qr_text, upright_grey

URL = ticket_url(1200, [[1, 2, 4, 16, 20, 32], [3, 9, 18, 27, 36, 45]])


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_reads_the_code_of_a_phone_photo_in_every_accepted_format(kind: str) -> None:
    photo = ticket_photo(URL, size=(2400, 1800), kind=kind)  # type: ignore[arg-type]
    assert read_qr_text(photo) == URL


def test_reads_a_12_megapixel_photo_held_sideways_and_a_small_one() -> None:
    assert read_qr_text(ticket_photo(URL, exif_orientation=TURNED_CLOCKWISE)) == URL
    assert read_qr_text(ticket_photo(URL, size=(1200, 900), angle=-12)) == URL


def test_exif_orientation_turns_the_stored_pixels_upright() -> None:
    sideways = ticket_photo(URL, size=(1600, 1200), exif_orientation=TURNED_CLOCKWISE)
    stored = Image.open(io.BytesIO(sideways))
    assert stored.size == (1200, 1600)  # the camera stored it turned
    assert upright_grey(sideways).size == (1600, 1200)
    assert upright_grey(sideways, 800).size == (800, 600)


def test_a_photo_without_a_qr_code_says_so() -> None:
    blank = encode(Image.new("RGB", (1200, 900), (200, 190, 180)), "JPEG")
    with pytest.raises(InvalidImageError, match="no QR code was found"):
        read_qr_text(blank)


def test_a_qr_code_that_is_not_a_ticket_is_read_as_its_text() -> None:
    photo = encode(qr_image("https://example.com/menu"), "PNG")
    assert read_qr_text(photo) == "https://example.com/menu"


def test_other_files_and_formats_are_refused_by_name() -> None:
    with pytest.raises(InvalidImageError, match="not a JPEG, PNG or WebP"):
        read_qr_text(b"%PDF-1.7 not an image")
    gif = io.BytesIO()
    Image.new("RGB", (50, 50)).save(gif, format="GIF")
    with pytest.raises(InvalidImageError, match="must be JPEG, PNG or WebP, not GIF"):
        read_qr_text(gif.getvalue())


def test_a_damaged_photo_is_refused_without_a_crash() -> None:
    photo = ticket_photo(URL, size=(1600, 1200))
    with pytest.raises(InvalidImageError, match="could not be decoded"):
        read_qr_text(photo[: len(photo) // 3])


def test_a_file_over_8_mb_is_refused_before_it_is_opened() -> None:
    with pytest.raises(ImageTooLargeError, match="larger than 8 MB"):
        read_qr_text(b"\xff\xd8" + b"\0" * MAX_IMAGE_BYTES)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` but which carries one tiny data chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))


@pytest.mark.parametrize(("width", "height"), [(8000, 6000), (20000, 20000)])
def test_over_40_megapixels_is_refused_from_the_header_alone(width: int, height: int) -> None:
    # Decoding 48 or 400 megapixels would take seconds and gigabytes; the header is enough.
    with pytest.raises(InvalidImageError, match="megapixels"):
        read_qr_text(_png_header_only(width, height))
