"""Sessions signed in through Django's or allauth's backend name the backends
of accounts/backends.py instead, so nobody is signed out by the change."""

from django.db import migrations

RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "accounts.backends.AuthenticationBackend"
    ),
}
BACKEND_KEY = "_auth_user_backend"


def rename(apps, schema_editor, renamed=RENAMED):
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for session in Session.objects.all().iterator():
        data = store.decode(session.session_data)
        backend = data.get(BACKEND_KEY)
        if backend in renamed:
            data[BACKEND_KEY] = renamed[backend]
            Session.objects.filter(pk=session.pk).update(
                session_data=store.encode(data)
            )


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_remove_data_version"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
