"""The API's documentation page: Swagger UI over ``/api/v1/schema/``, public.

Swagger UI's files come from drf-spectacular-sidecar through our own static files
(``SWAGGER_UI_DIST = "SIDECAR"``), so the page loads nothing from a CDN. The split view
serves the start-up script from this same URL (``?script``) instead of inlining it, so a
strict ``script-src 'self'`` Content Security Policy keeps the page working.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI for the portal's API (public, like the schema it reads)."""

    url_name = "api:schema"
