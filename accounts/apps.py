from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # The audit log listens to sign-in and security signals; see accounts.audit.
        from accounts import audit

        audit.connect()
