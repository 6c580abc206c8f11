from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shops.access import shop_required


@shop_required
def online(request: HttpRequest) -> HttpResponse:
    return render(request, "marketplace/online.html")


@shop_required
def export_log(request: HttpRequest) -> HttpResponse:
    return render(request, "marketplace/export_log.html")
