# STUB — replaced by the cluster map page.
from django.http import HttpResponse
from django.views.generic import View


class ClusterMapView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("stub")
