from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, path

from portal.home import views
from portal.home.sections import SECTIONS

app_name = "home"


def _coming_soon_patterns() -> list[URLPattern]:
    patterns = []
    for section in SECTIONS:
        if section.ready:
            continue
        view = views.ComingSoonView.as_view(section=section)
        if section.login_required:
            view = login_required(view)
        patterns.append(path(section.path, view, name=section.slug))
    return patterns


urlpatterns = [
    path("", views.HomeView.as_view(), name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("ecosystems/", views.EcosystemListView.as_view(), name="ecosystems"),
    path("ecosystems/<slug:slug>/", views.EcosystemDetailView.as_view(), name="ecosystem"),
    *_coming_soon_patterns(),
]
