from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from backcore.accounts.export import account_export_json_chunks, account_export_zip_file
from backcore.accounts.forms import AccountDeleteForm, ProfileForm
from backcore.accounts.lifecycle import AccountDeletionBlocked, personal_data
from backcore.accounts.services import (
    profile_ensure,
    profile_update,
    user_delete,
)


@login_required
def profile_edit(request):
    profile = profile_ensure(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                profile_update(
                    user=request.user,
                    display_name=form.cleaned_data["display_name"],
                    timezone=form.cleaned_data["timezone"],
                    avatar=form.cleaned_data.get("avatar"),
                    remove_avatar=form.cleaned_data["remove_avatar"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("accounts:profile")
        return render(
            request, "accounts/profile.html", {"form": form, "profile": profile}, status=400
        )
    form = ProfileForm(initial={"display_name": profile.display_name, "timezone": profile.timezone})
    return render(request, "accounts/profile.html", {"form": form, "profile": profile})


def _data_page(request, *, form: AccountDeleteForm, error: str = "", status: int = 200):
    downloads = [d for provider in personal_data for d in provider.downloads]
    context = {"form": form, "error": error, "downloads": downloads}
    return render(request, "accounts/data.html", context, status=status)


@login_required
@require_GET
def data(request):
    return _data_page(request, form=AccountDeleteForm(user=request.user))


def _download(body, *, content_type: str, name: str) -> HttpResponse:
    """A file download; an iterator of pieces is streamed (StreamingHttpResponse)."""
    if isinstance(body, str | bytes):
        response = HttpResponse(body, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, content_type=content_type)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="backcore-{stamp}-{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _file_chunks(handle, size: int = 64 * 1024):
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


@login_required
@require_GET
def data_json(request):
    chunks = account_export_json_chunks(user=request.user)
    return _download(chunks, content_type="application/json", name="data.json")


@login_required
@require_GET
def data_zip(request):
    archive = account_export_zip_file(user=request.user)
    return _download(_file_chunks(archive), content_type="application/zip", name="data.zip")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    if request.method == "GET":
        return redirect("accounts:data")
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return _data_page(request, form=form, status=400)
    user = request.user
    try:
        user_delete(user=user)
    except AccountDeletionBlocked as exc:
        return _data_page(request, form=form, error=str(exc), status=503)
    logout(request)
    messages.success(
        request, "Your account and everything we kept about you are deleted. Take care."
    )
    return redirect("landing")
