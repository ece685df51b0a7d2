# STUB — replaced by the directory implementation.
from django.http import HttpResponse
from django.views.generic import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("stub")


ClusterListView = ClusterDetailView = ProjectListView = ProjectDetailView = _Stub


def cluster_logo(request, pk):
    return HttpResponse("stub")
