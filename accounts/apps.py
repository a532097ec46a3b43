from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # The audit log listens to sign-in and security signals; see accounts.audit.
        from django.contrib.auth.signals import user_logged_in

        from accounts import audit
        from accounts.middleware import note_sign_in

        audit.connect()
        user_logged_in.connect(note_sign_in, dispatch_uid="titrate-note-sign-in")
