"""The one way an uploaded image enters the portal: sniffed, capped, re-encoded, renamed.

The file's name and declared type are never trusted. Pillow must recognise the content as
one of the accepted raster formats; the image is then decoded and written anew as PNG, which
drops any payload hidden in the original (scripts, polyglots, metadata). SVG is refused: it
is a document that can carry scripts, not a picture.
"""

from __future__ import annotations

import io
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACCEPTED_IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 25_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 1024  # logos are shown small; larger ones are scaled down


def clean_image_upload(upload: UploadedFile, *, max_bytes: int = MAX_IMAGE_BYTES) -> ContentFile:
    """A safe PNG copy of an uploaded image, or ``ValidationError`` saying what is wrong."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if b"<svg" in head.lower() or head.lstrip().startswith(b"<"):
        raise ValidationError(
            _("SVG and other text files are not accepted: upload a PNG, JPEG, GIF or WebP image."),
            code="svg",
        )
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The image is too large in pixels."), code="too_many_pixels"
                )
            probe.verify()  # structure check; the image must be opened again to decode
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            if image_format not in ACCEPTED_IMAGE_FORMATS:
                raise ValidationError(
                    _("This is not a PNG, JPEG, GIF or WebP image."), code="format"
                )
            clean = image.convert("RGBA")
            clean.thumbnail((MAX_SIDE, MAX_SIDE))
            output = io.BytesIO()
            clean.save(output, format="PNG", optimize=True)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError(
            _("This file is not an image the portal accepts (PNG, JPEG, GIF or WebP)."),
            code="not_an_image",
        ) from exc
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.png")


MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def clean_document_upload(
    upload: UploadedFile, *, max_bytes: int = MAX_DOCUMENT_BYTES
) -> tuple[ContentFile, str]:
    """A safe copy of a datasheet and its content type: a PDF as it is (it is served only as a
    download, never inline), an image re-encoded as PNG. Anything else is refused."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        content = upload.read()
        if b"%%EOF" not in content[-2048:]:
            raise ValidationError(_("This PDF is incomplete or damaged."), code="bad_pdf")
        return ContentFile(content, name=f"{uuid.uuid4().hex}.pdf"), "application/pdf"
    try:
        return clean_image_upload(upload, max_bytes=max_bytes), "image/png"
    except ValidationError:
        raise ValidationError(
            _("Only PDF files and images (PNG, JPEG, GIF, WebP) can be attached."),
            code="not_a_document",
        ) from None


def check_document_uploads(
    uploads: list[UploadedFile],
    *,
    existing: int = 0,
    maximum: int | None = None,
    too_many: StrOrPromise = "",
) -> None:
    """Check every file of a multi-file form field before any is saved: one bad file refuses
    them all, and each message names its file. The files are rewound for the service.

    With ``maximum``: more than that many files, counting the ``existing`` ones, is refused
    with ``too_many`` (which may say ``%(count)s``), before any file is read."""
    if maximum is not None and len(uploads) + existing > maximum:
        raise ValidationError(too_many, params={"count": maximum})
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            clean_document_upload(upload)
        except ValidationError as exc:
            errors.extend(
                ValidationError("%(name)s: %(error)s", params={"name": upload.name, "error": m})
                for m in exc.messages
            )
        finally:
            upload.seek(0)
    if errors:
        raise ValidationError(errors)
