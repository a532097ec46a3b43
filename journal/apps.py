from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"

    def ready(self) -> None:
        from accounts.signals import account_created

        account_created.connect(_default_metrics, dispatch_uid="journal-metrics")


def _default_metrics(sender, *, user, **kwargs) -> None:
    from journal.services import metrics_create_defaults

    metrics_create_defaults(user=user)
