# STUB — replaced by the profile-management implementation.
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views.generic import View


class _Stub(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("stub")


MyProfilesView = ClusterCreateView = ClusterUpdateView = ClusterDeleteView = _Stub
ClusterManagersView = ClusterHistoryView = _Stub
ProjectCreateView = ProjectUpdateView = ProjectDeleteView = ProjectHistoryView = _Stub
