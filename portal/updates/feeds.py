"""Atom feeds of the published EU updates: all of them, and one per industrial ecosystem.

Each entry carries the summary and the full text (the Markdown rendered and cleaned by the
same allow-list as the pages), its category and ecosystems as Atom categories, and its
publication time. Drafts and scheduled updates are never in a feed, whoever asks.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.core.markdown import render_markdown
from portal.core.models import Ecosystem
from portal.updates import selectors
from portal.updates.models import Update


class AtomWithContent(Atom1Feed):
    """Atom 1.0 with each entry's full text in ``<content type="html">``."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class UpdatesFeed(Feed):
    """``/updates/feed/``: the newest published updates."""

    feed_type = AtomWithContent

    def author_name(self, obj: Ecosystem | None = None) -> str:
        return _("European Commission")

    def title(self, obj: Ecosystem | None = None) -> str:
        return _("EU updates · Clusters Response Portal")

    def subtitle(self, obj: Ecosystem | None = None) -> str:
        return _(
            "Updates from the European Commission for industry: guidance, standards, trade, funding and State aid."
        )

    def link(self, obj: Ecosystem | None = None) -> str:
        return reverse("updates:list")

    def items(self, obj: Ecosystem | None = None) -> list[Update]:
        return selectors.feed_updates()

    def item_title(self, item: Update) -> str:
        return item.title

    def item_description(self, item: Update) -> str:
        # Atom's <summary type="html">: the plain-text summary, escaped so it stays text.
        return escape(item.summary)

    def item_link(self, item: Update) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Update) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Update) -> datetime.datetime:
        # A scheduled update may have been last changed before it went out: an entry is
        # never "updated" before it was published.
        if item.published_at is None:
            return item.updated_at
        return max(item.updated_at, item.published_at)

    def item_categories(self, item: Update) -> list[str]:
        return [str(item.get_category_display()), *(e.name for e in item.ecosystems.all())]

    def item_extra_kwargs(self, item: Update) -> dict[str, Any]:
        return {"content_html": str(render_markdown(item.body))}


class EcosystemUpdatesFeed(UpdatesFeed):
    """``/updates/feed/<ecosystem slug>/``: the newest published updates concerning one
    industrial ecosystem. An unknown ecosystem is a 404."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Ecosystem:
        return get_object_or_404(Ecosystem, slug=kwargs["ecosystem_slug"])

    def title(self, obj: Ecosystem | None = None) -> str:
        assert obj is not None
        return _("EU updates for %(ecosystem)s · Clusters Response Portal") % {
            "ecosystem": obj.name
        }

    def subtitle(self, obj: Ecosystem | None = None) -> str:
        assert obj is not None
        return _(
            "Updates from the European Commission concerning the %(ecosystem)s industrial ecosystem."
        ) % {"ecosystem": obj.name}

    def link(self, obj: Ecosystem | None = None) -> str:
        assert obj is not None
        return f"{reverse('updates:list')}?ecosystem={obj.slug}"

    def items(self, obj: Ecosystem | None = None) -> list[Update]:
        return selectors.feed_updates(ecosystem=obj)
