from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    """Your data: export, the Titrate JSON and Daylio imports, demo data,
    account deletion and the data checks. Above journal and protocols."""

    name = "portability"
    verbose_name = "Your data"
