"""The portal's sections, in the order the navigation shows them.

A section whose app is not built yet is served at its ``path`` by an honest "coming soon"
page (named ``home:<slug>``); when its issue lands, the section is marked ``ready`` and its
``url_name`` names the real page.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    slug: str
    title: str | Promise
    summary: str | Promise
    path: str
    ready: bool = False
    login_required: bool = False
    real_url_name: str = ""

    @property
    def url_name(self) -> str:
        return self.real_url_name if self.ready else f"home:{self.slug}"


SECTIONS = (
    Section(
        "updates",
        _("EU updates"),
        _(
            "Reliable updates from the European Commission for industry: guidance, standards, trade, funding."
        ),
        "updates/",
        ready=True,
        real_url_name="updates:list",
    ),
    Section(
        "solutions",
        _("Solutions"),
        _("Offers from companies, channelled through their clusters to the European Commission."),
        "solutions/",
        ready=True,
        real_url_name="offers:catalogue",
    ),
    Section(
        "demand",
        _("Demand"),
        _("What public authorities urgently need, matched against the solutions on offer."),
        "demand/",
        ready=True,
        real_url_name="offers:demand_list",
    ),
    Section(
        "alerts",
        _("Rapid alerts"),
        _("The EU Rapid Alert Function: disruptions in value chains reported by clusters."),
        "alerts/",
        ready=True,
        real_url_name="alerts:list",
    ),
    Section(
        "ecosystems",
        _("Ecosystems"),
        _("The 14 industrial ecosystems: their key figures and what the portal holds for each."),
        "ecosystems/",
        ready=True,
        real_url_name="home:ecosystems",
    ),
    Section(
        "map",
        _("Cluster map"),
        _("Find the clusters that can help, in your region and across Europe."),
        "clusters/map/",
        ready=True,
        real_url_name="clusters:map",
    ),
    Section(
        "clusters",
        _("Clusters"),
        _("The directory of cluster profiles: members, capabilities, ecosystems."),
        "clusters/",
        ready=True,
        real_url_name="clusters:list",
    ),
    Section(
        "projects",
        _("Projects"),
        _("Projects that clusters run together, and the programmes behind them."),
        "projects/",
        ready=True,
        real_url_name="clusters:project_list",
    ),
    Section(
        "funding",
        _("Funding"),
        _(
            "NextGenerationEU, Euroclusters, the Cluster Excellence Programme, ClusterXchange and open calls."
        ),
        "funding/",
        ready=True,
        real_url_name="funding:index",
    ),
    Section(
        "forum",
        _("Forum"),
        _("An open discussion forum: I need help, I can help, best practices and more."),
        "forum/",
        ready=True,
        real_url_name="forum:index",
    ),
    Section(
        "my-profiles",
        _("My profiles"),
        _("The cluster and project profiles you manage."),
        "my/profiles/",
        login_required=True,
        ready=True,
        real_url_name="clusters:my_profiles",
    ),
)

SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
