"""Sending one reminder text through one channel. Each raises SendFailed with
a message a person can read when it did not arrive."""

from __future__ import annotations

import json
from dataclasses import dataclass

import apprise
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from accounts.models import User
from reminders import vapid
from reminders.models import PushDevice


class SendFailed(Exception):
    pass


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str  # a path: the service worker opens it on its own origin
    snooze_url: str  # a path; "" for tests, which cannot be snoozed
    tag: str


def absolute(path: str) -> str:
    """A link for email and notifiers, or "" when SITE_URL is not set."""
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL and path else ""


def apprise_problem(url: str) -> str:
    """Why an Apprise URL cannot be used, or ""."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if not scheme:
        return "This is not a notifier URL; it starts like ntfy:// or gotify://."
    if scheme not in settings.APPRISE_SCHEMES:
        allowed = ", ".join(f"{s}://" for s in settings.APPRISE_SCHEMES)
        if not allowed:
            return "Notifiers are turned off on this instance."
        return f"{scheme}:// is not allowed on this instance; use one of {allowed}."
    if not apprise.Apprise().add(url):
        return "Apprise does not understand this URL; check it against its docs."
    return ""


def by_apprise(url: str, message: Message) -> None:
    if problem := apprise_problem(url):
        raise SendFailed(problem)
    notifier = apprise.Apprise()
    notifier.add(url)
    link = absolute(message.url)
    body = f"{message.body}\n{link}" if link else message.body
    if not notifier.notify(title=message.title, body=body):
        raise SendFailed("The notifier did not accept the message.")


def by_email(user: User, message: Message) -> None:
    if not user.email:
        raise SendFailed("Your account has no email address.")
    lines = [message.body, ""]
    if link := absolute(message.url):
        lines.append(f"Open Titrate: {link}")
    if link := absolute(message.snooze_url):
        lines.append(f"Remind me in an hour: {link}")
    lines += ["", "You chose these reminders in Titrate's settings."]
    try:
        send_mail(
            # The reminder itself, so it can be read without opening the mail.
            f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{message.body}",
            "\n".join(lines),
            None,
            [user.email],
        )
    except OSError as error:  # smtplib's errors are OSErrors too
        raise SendFailed(f"The mail server refused it: {error}") from None


def by_push(user: User, message: Message) -> None:
    """Every device of the person; a device its push service has forgotten
    (404 or 410) is removed, as the Web Push protocol asks."""
    devices = list(PushDevice.objects.filter(user=user))
    if not devices:
        raise SendFailed("No device is subscribed to notifications.")
    payload = json.dumps(
        {
            "title": message.title,
            "body": message.body,
            "url": message.url,
            "snooze": message.snooze_url,
            "tag": message.tag,
        }
    )
    # Imported here, in the worker that sends: pywebpush brings aiohttp, which
    # took 0.3 s of every web process's start-up and 10 MB it never used.
    from pywebpush import WebPushException, webpush

    key = vapid.vapid()
    errors = []
    for device in devices:
        try:
            webpush(
                device.subscription_info,
                data=payload,
                vapid_private_key=key,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=3600,
                timeout=10,
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                device.delete()
                errors.append(f"{device.name}: no longer subscribed (removed)")
            else:
                errors.append(f"{device.name}: push service answered {status}")
        except OSError as error:  # requests' connection errors
            errors.append(f"{device.name}: {type(error).__name__}")
        else:
            PushDevice.objects.filter(pk=device.pk).update(last_sent_at=timezone.now())
    if len(errors) == len(devices):
        raise SendFailed("; ".join(errors)[:290])
