"""The one way a stored upload leaves the portal: always as a download, never inline."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def stored_file_download(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """A private download of an uploaded file: the browser neither sniffs nor renders it
    (a PDF is served as its sender sent it), and no shared cache keeps it. 404 when the file
    is gone from storage."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
