from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "experiments"

    def ready(self) -> None:
        from experiments import queries
        from experiments.today import TODAY_CARD
        from journal.checkin import add_part
        from protocols.held import Holder, add_holder

        # Today's experiment card, read and shown with the check-in.
        add_part(TODAY_CARD)
        # An experiment's weeks hold the protocol's planned doses.
        add_holder(Holder(reads=queries.held_reads, weeks=queries.held_weeks))
