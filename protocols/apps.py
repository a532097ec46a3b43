from django.apps import AppConfig


class ProtocolsConfig(AppConfig):
    name = "protocols"

    def ready(self) -> None:
        from accounts.signals import account_created

        account_created.connect(_default_substances, dispatch_uid="protocol-substances")


def _default_substances(sender, *, user, **kwargs) -> None:
    from protocols.services import substances_create_defaults

    substances_create_defaults(user=user)
