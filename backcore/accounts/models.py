import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from backcore.accounts.names import public_name_of


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get(self, *args, **kwargs):
        """`User.objects.get(pk=<id>)`, how the auth backends load the signed-in user on every
        request, runs a query compiled and planned once per process (building it again cost
        a tenth of the bare view). Any other lookup, a historical model in a migration or
        another database goes the usual way; the rows and errors are the same."""
        if (
            args
            or kwargs.keys() != {"pk"}
            or type(kwargs["pk"]) is not int
            or self.model is not User
            or self._db is not None
        ):
            return super().get(*args, **kwargs)
        from backcore.accounts.selectors import user_with_context

        # With the user: their profile and what every page asks about them (member? coach?
        # unread notifications?), in the same round trip (see `member_context`).
        user = user_with_context(user_id=kwargs["pk"])
        if user is None:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return user

    def get_by_natural_key(self, username):
        # Logins are case-insensitive: Ann@x.org and ann@x.org are the same person.
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address; no username."""

    email = models.EmailField("email address", max_length=254, unique=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def public_name(self) -> str:
        """The name other members see: never the email address."""
        profile = profile_of(self)
        return public_name_of(member_id=self.pk, display_name=profile and profile.display_name)

    @property
    def is_coach(self) -> bool:
        if self.is_superuser:
            return True
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("groups")
        if prefetched is not None:
            return any(g.name == COACHES_GROUP for g in prefetched)
        if self.pk is None:
            return False
        from backcore.accounts.selectors import member_context

        return member_context(user=self).is_coach


COACHES_GROUP = "Coaches"


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Choose a timezone from the list, for example Europe/London.")


def avatar_path(instance: "Profile", filename: str) -> str:
    return f"avatars/{instance.user_id}/{filename}"


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=60, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    avatar = models.ImageField(upload_to=avatar_path, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.display_name or self.user.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Membership(models.Model):
    """The one fact that opens the programme and community: the same for every amount, zero included."""

    class Source(models.TextChoices):
        FREE = "free", "Joined at no cost"
        ONE_TIME = "one_time", "One-time contribution"
        MONTHLY = "monthly", "Monthly contribution"
        STAFF = "staff", "Granted by staff"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    source = models.CharField(max_length=16, choices=Source.choices)
    joined_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=["free", "one_time", "monthly", "staff"]),
                name="membership_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_source_display()})"


def profile_of(user) -> "Profile | None":
    """`user.profile`, or None when they have none. Every signed-in page reads it (the
    header's name, the member's timezone), so the read is compiled once per process and kept
    on the user object for the rest of the request, as `user.profile` would keep it."""
    related = User.profile.related
    if related.is_cached(user):
        return related.get_cached_value(user)
    if user.pk is None:
        profile_keep(user, None)
        return None
    from backcore.accounts.selectors import member_context_read

    member_context_read(user=user)  # reads the profile with the rest, and keeps it
    return related.get_cached_value(user)


def profile_keep(user, profile: "Profile | None") -> None:
    """Keep `profile` (read with another row) on `user` as `user.profile` and `profile_of`
    would: later reads in this request ask the database nothing."""
    User.profile.related.set_cached_value(user, profile)
