from importlib import import_module

from django.apps import apps
from django.contrib.admin.apps import AdminConfig
from django.utils.module_loading import module_has_submodule

# django-leaflet's admin module needs GeoDjango (GDAL). The portal keeps locations as plain
# latitude/longitude and uses django-leaflet only for its maps and assets, so that module
# is never imported: the portal runs without GDAL installed.
SKIP_ADMIN_MODULES = {"leaflet"}


class PortalAdminConfig(AdminConfig):
    def ready(self) -> None:
        super(AdminConfig, self).ready()  # checks, not autodiscover
        for app_config in apps.get_app_configs():
            if app_config.name in SKIP_ADMIN_MODULES:
                continue
            if module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
