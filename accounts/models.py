from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """The account. Kept ours from the first migration so fields can be added later."""

    class Meta:
        db_table = "accounts_user"


@cache
def timezone_names() -> tuple[str, ...]:
    # "localtime" and "Factory" exist in some tz databases but are not places.
    return tuple(
        sorted(
            name
            for name in zoneinfo.available_timezones()
            if name not in {"localtime", "Factory"}
        )
    )


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(
            "%(value)s is not a known time zone.", params={"value": value}
        )


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_timezone]
    )
    day_start_hour = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="Entries before this hour count for the previous day.",
    )
    week_start = models.PositiveSmallIntegerField(
        default=0,
        choices=[(0, "Monday"), (5, "Saturday"), (6, "Sunday")],
        help_text="The first day of a week in reviews and calendars.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_start_hour__gte=0, day_start_hour__lte=23),
                name="profile_day_start_hour_0_23",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_day(self, moment: dt.datetime | None = None) -> dt.date:
        """The journal day a moment belongs to, honouring the day-start hour."""
        moment = timezone.now() if moment is None else moment
        local = moment.astimezone(self.tzinfo)
        return (local - dt.timedelta(hours=self.day_start_hour)).date()


class AuditEvent(models.Model):
    """Security-relevant events of an account, shown to its owner."""

    class Kind(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Failed sign-in or password check"
        LOGOUT = "logout", "Signed out"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset"
        EMAIL_CHANGED = "email_changed", "Email changed"
        MFA_ADDED = "mfa_added", "Two-factor method added"
        MFA_REMOVED = "mfa_removed", "Two-factor method removed"
        MFA_RESET = "mfa_reset", "Recovery codes renewed"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="audit_events"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user {self.user_id}"


class PendingUpload(models.Model):
    """A file waiting for a second step (a Daylio export's mood mapping).

    Kept in its own row rather than in the session, so that deleting the
    account deletes it with everything else, and purged after a day.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="pending_uploads"
    )
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Pending upload of user {self.user_id}"
