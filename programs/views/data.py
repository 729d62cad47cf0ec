"""/account/data/: download your data, or delete your account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from backcore.accounts.services import user_delete
from programs.services.data import export_csv, export_json


@login_required
@require_GET
def data(request):
    return render(request, "programs/data.html", {"error": ""})


def _download(body: str, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="backcore-{name}-{stamp}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def data_csv(request):
    return _download(
        export_csv(member=request.user), content_type="text/csv; charset=utf-8", name="log.csv"
    )


@login_required
@require_GET
def data_json(request):
    return _download(
        export_json(member=request.user), content_type="application/json", name="data.json"
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    if request.method == "GET":
        return redirect("programs:data")
    typed = request.POST.get("confirm_email", "").strip().lower()
    if typed != request.user.email.lower():
        return render(
            request,
            "programs/data.html",
            {"error": "That is not your email address, so nothing was deleted."},
            status=400,
        )
    user = request.user
    logout(request)
    user_delete(user=user)
    messages.success(request, "Your account and your programme data are deleted. Take care.")
    return redirect("/")
