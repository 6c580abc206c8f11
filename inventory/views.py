from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shops.access import shop_required


@shop_required
def record_list(request: HttpRequest) -> HttpResponse:
    return render(request, "inventory/record_list.html")
