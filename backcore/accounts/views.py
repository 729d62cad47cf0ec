from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from backcore.accounts.forms import ProfileForm
from backcore.accounts.services import profile_ensure, profile_update


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
