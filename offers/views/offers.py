# STUB — replaced by the offers pages.
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views.generic import View


class _Public(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("stub")


class _Private(LoginRequiredMixin, _Public):
    pass


CatalogueView = OfferDetailView = _Public
MyOffersView = OfferCreateView = OfferUpdateView = OfferSubmitView = _Private


def attachment_download(request, pk):
    return HttpResponse("stub")
