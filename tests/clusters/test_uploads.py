"""The one upload validator: content sniffed, size capped, re-encoded as PNG, renamed."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, features

from portal.core.uploads import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, clean_image_upload


def image_bytes(image_format: str, size=(40, 30), mode="RGB") -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, (200, 30, 60) if mode == "RGB" else 1).save(output, format=image_format)
    return output.getvalue()


def upload(content: bytes, name="logo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size without carrying the pixels: what a decompression bomb
    looks like to the code that opens it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def error_code(content: bytes, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        clean_image_upload(upload(content, **kwargs))
    return caught.value.code


ACCEPTED = ["PNG", "JPEG", "GIF"] + (["WEBP"] if features.check("webp") else [])


@pytest.mark.parametrize("image_format", ACCEPTED)
def test_accepted_formats_come_out_as_png(image_format):
    cleaned = clean_image_upload(upload(image_bytes(image_format), name=f"x.{image_format}"))

    content = cleaned.read()
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        assert image.size == (40, 30)


def test_the_output_gets_a_safe_name_whatever_the_upload_was_called():
    cleaned = clean_image_upload(upload(image_bytes("PNG"), name="../../etc/passwd.png"))

    assert cleaned.name.endswith(".png")
    assert "/" not in cleaned.name
    assert ".." not in cleaned.name


def test_a_large_image_is_scaled_down():
    cleaned = clean_image_upload(upload(image_bytes("PNG", size=(3000, 1500))))

    with Image.open(cleaned) as image:
        assert max(image.size) <= 1024


def test_a_file_above_the_size_cap_is_refused():
    content = image_bytes("PNG") + b"\x00" * MAX_IMAGE_BYTES

    assert error_code(content) == "too_large"


def test_the_size_cap_can_be_lowered_by_the_caller():
    with pytest.raises(ValidationError):
        clean_image_upload(upload(image_bytes("PNG", size=(200, 200))), max_bytes=100)


def test_a_text_file_renamed_png_is_refused():
    assert error_code(b"Just some text, not a picture at all.\n" * 10) == "not_an_image"


def test_an_svg_with_a_script_is_refused():
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script></svg>"
    )

    assert error_code(svg, name="logo.svg", content_type="image/svg+xml") == "svg"


def test_an_svg_renamed_png_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    assert error_code(svg) == "svg"


def test_html_is_refused():
    assert error_code(b"<html><body><script>alert(1)</script></body></html>") == "svg"


def test_an_accepted_image_format_is_needed():
    bmp = image_bytes("BMP")

    assert error_code(bmp, name="logo.bmp") == "format"


def test_a_truncated_image_is_refused():
    assert error_code(image_bytes("PNG")[:60]) == "not_an_image"


def test_an_image_with_too_many_pixels_is_refused_before_decoding():
    side = int(MAX_IMAGE_PIXELS**0.5) + 100

    assert error_code(png_header_only(side, side)) == "too_many_pixels"


def test_a_decompression_bomb_is_refused():
    # Far beyond Pillow's own limit: refused when opened, never decoded.
    with pytest.raises(ValidationError):
        clean_image_upload(upload(png_header_only(50_000, 50_000)))


def test_a_payload_appended_to_an_image_does_not_survive():
    polyglot = image_bytes("PNG") + b"<script>alert(1)</script>"

    cleaned = clean_image_upload(upload(polyglot))

    assert b"<script>" not in cleaned.read()
