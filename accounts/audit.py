"""The account's audit log, fed by the sign-in and security signals of Django
and allauth (connected in AccountsConfig.ready)."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.db.models import Q

from accounts.models import AuditEvent, User


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    from allauth.core.internal.httpkit import get_client_ip

    try:
        ip = get_client_ip(request)
    except Exception:
        ip = None
    return ip, request.headers.get("User-Agent", "")[:200]


def record(user: User, kind: str, request=None) -> None:
    ip, agent = _client(request)
    AuditEvent.objects.create(user=user, kind=kind, ip_address=ip, user_agent=agent)


def _on_login(sender, request, user, **kwargs):
    record(user, AuditEvent.Kind.LOGIN, request)


def _on_logout(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:
        record(user, AuditEvent.Kind.LOGOUT, request)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    login = credentials.get("username") or credentials.get("email") or ""
    if not login:
        return
    user = User.objects.filter(
        Q(username__iexact=login) | Q(email__iexact=login)
    ).first()
    if user is not None:
        record(user, AuditEvent.Kind.LOGIN_FAILED, request)


def _kind(kind):
    def receiver(sender, request=None, user=None, **kwargs):
        if user is not None:
            record(user, kind, request)

    return receiver


RECEIVERS = [
    (auth_signals.user_logged_in, _on_login),
    (auth_signals.user_logged_out, _on_logout),
    (auth_signals.user_login_failed, _on_login_failed),
    (account_signals.password_changed, _kind(AuditEvent.Kind.PASSWORD_CHANGED)),
    (account_signals.password_reset, _kind(AuditEvent.Kind.PASSWORD_RESET)),
    (account_signals.email_changed, _kind(AuditEvent.Kind.EMAIL_CHANGED)),
    (mfa_signals.authenticator_added, _kind(AuditEvent.Kind.MFA_ADDED)),
    (mfa_signals.authenticator_removed, _kind(AuditEvent.Kind.MFA_REMOVED)),
    (mfa_signals.authenticator_reset, _kind(AuditEvent.Kind.MFA_RESET)),
]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(
            receiver, dispatch_uid=f"titrate-audit-{receiver.__name__}-{id(signal)}"
        )
