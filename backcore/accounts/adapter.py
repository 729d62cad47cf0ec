from allauth.account.adapter import DefaultAccountAdapter

from backcore.accounts.services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.email = (user.email or "").lower()
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
        return user
