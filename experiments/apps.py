from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "experiments"

    def ready(self) -> None:
        from experiments.today import TODAY_CARD
        from journal.checkin import add_part

        # Today's experiment card, read and shown with the check-in.
        add_part(TODAY_CARD)
