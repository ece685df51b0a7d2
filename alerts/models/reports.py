"""The weekly report to the Commission: one row per ISO week, its figures frozen as they were
when compiled (``alerts.services.reports`` compiles them).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class WeeklyReport(models.Model):
    """The weekly report to the Commission, compiled by hand in 2020: one per ISO week
    (Monday to Sunday), its figures kept as they were when compiled."""

    week_start = models.DateField(_("week starting"), unique=True)
    compiled_at = models.DateTimeField(_("compiled at"))
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")

    def __str__(self) -> str:
        return f"Week of {self.week_start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:report_detail", args=[self.week_start.isoformat()])
