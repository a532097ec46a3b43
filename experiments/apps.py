from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "experiments"

    def ready(self) -> None:
        from experiments.queries import checkin_reads
        from journal.checkin import add_part_reads

        # Today's experiment card reads with the check-in (journal.checkin).
        add_part_reads(checkin_reads)
