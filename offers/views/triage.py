# STUB — replaced by the triage desk.
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views.generic import View


class _Private(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("stub")


TriageQueueView = TriageDashboardView = TriageBulkView = TriageOfferView = _Private
TriageTransitionView = TriageAssignView = TriageDuplicateView = _Private


@login_required
def triage_export_csv(request):
    return HttpResponse("stub")


@login_required
def triage_export_xlsx(request):
    return HttpResponse("stub")
