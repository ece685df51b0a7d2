from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from portal.home.sections import SECTIONS


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu, with the section the page belongs to marked as current."""
    links = [(section, reverse(section.url_name)) for section in SECTIONS]
    matching = [url for _section, url in links if request.path.startswith(url)]
    current = max(matching, key=len, default=None)  # /clusters/map/ is not /clusters/
    return {
        "navigation": [
            {"title": section.title, "url": url, "current": url == current}
            for section, url in links
        ]
    }
