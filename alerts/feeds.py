"""The Atom feed of confirmed rapid alerts, ``/alerts/feed/``: the public summary only.

Each entry is an alert the Commission confirmed (newest confirmation first, at most 50):
its title, type, severity, value-chain stage, industrial ecosystems, countries and start
date, and a link to its page. Resolved alerts stay in the feed, marked so and "updated" at
their resolution, so a reader learns that the disruption is over. Details, evidence,
reporters and the confidential note are never in it, whoever asks: the feed is public and
the selector does not even load those columns.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import formats
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_countries.fields import Country

from alerts import selectors
from alerts.models import Alert, AlertStatus


class ConfirmedAlertsFeed(Feed):
    feed_type = Atom1Feed
    author_name = "European Commission"

    def title(self) -> str:
        return _("Rapid alerts · Clusters Response Portal")

    def subtitle(self) -> str:
        return _(
            "Disruptions in Europe's industrial ecosystems, reported by clusters and public "
            "authorities and confirmed by the European Commission."
        )

    def link(self) -> str:
        return reverse("alerts:list")

    def feed_url(self) -> str:
        return reverse("alerts:feed")

    def items(self) -> list[Alert]:
        return selectors.feed_alerts()

    def item_title(self, item: Alert) -> str:
        if item.status == AlertStatus.RESOLVED:
            return _("Resolved: %(title)s") % {"title": item.title}
        return item.title

    def item_description(self, item: Alert) -> str:
        # Atom's <summary type="html">: plain text, escaped so it stays text.
        parts = [
            _("Type: %(type)s") % {"type": item.get_type_display()},
            _("Severity: %(severity)s") % {"severity": item.get_severity_display()},
            _("Value-chain stage: %(stage)s") % {"stage": item.get_value_chain_stage_display()},
            _("Industrial ecosystems: %(names)s")
            % {"names": ", ".join(e.name for e in item.ecosystems.all())},
            _("Countries: %(names)s")
            % {"names": ", ".join(c.name for c in cast("list[Country]", item.countries))},
            _("Started on %(date)s") % {"date": formats.date_format(item.started_on)},
            _("Status: %(status)s") % {"status": item.get_status_display()},
        ]
        return escape(" · ".join(str(part) for part in parts))

    def item_link(self, item: Alert) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Alert) -> datetime.datetime | None:
        return item.confirmed_at

    def item_updateddate(self, item: Alert) -> datetime.datetime | None:
        return item.resolved_at or item.confirmed_at

    def item_categories(self, item: Alert) -> list[str]:
        return [
            str(item.get_type_display()),
            str(item.get_severity_display()),
            *(e.name for e in item.ecosystems.all()),
        ]
