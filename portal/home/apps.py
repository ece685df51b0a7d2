from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The pages on top of every app: home, sections, health, demo data."""

    name = "portal.home"
    label = "home"
    verbose_name = _("Home")
