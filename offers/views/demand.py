# STUB — replaced by the demand pages.
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views.generic import View


class _Public(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("stub")


class _Private(LoginRequiredMixin, _Public):
    pass


DemandListView = DemandDetailView = _Public
MyDemandView = DemandCreateView = DemandUpdateView = DemandStatusView = InterestView = _Private
