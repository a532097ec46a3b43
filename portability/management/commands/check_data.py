"""manage.py check_data [--fix-days] [--fix-totals] [--delete-outside-limits]

Finds rows an older version let in that the journal cannot show: entries and
doses whose moment lies outside 1970 to tomorrow (some cannot even be read
back), journal days that do not follow from the moment, ratings outside
their metric's scale, and doses marked taken without an amount (the database
check lets a missing amount through). It also checks the day totals Insights
reads and the tag days Today and Insights read (both kept by the database's
triggers) against the ratings they sum and the tag links they count, which
only a write with the triggers switched off could set apart. It changes
nothing unless asked.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from accounts.moments import (
    MAX_OFFSET,
    SURELY_TOO_EARLY,
    SURELY_TOO_FAR_AHEAD,
    moment_problem,
)
from accounts.services import profile_for
from journal.models import DayTotal, Entry, Rating, TagDay
from protocols.models import DoseLog

KINDS = ((Entry, "occurred_at", "entry"), (DoseLog, "taken_at", "dose"))


class Command(BaseCommand):
    help = "Find journal rows outside the limits the app now enforces."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix-days",
            action="store_true",
            help="Set each row's journal day from its moment (changes no moment).",
        )
        parser.add_argument(
            "--fix-totals",
            action="store_true",
            help="Write the day totals and tag days again from the ratings and "
            "tag links (changes no rating or link).",
        )
        parser.add_argument(
            "--delete-outside-limits",
            action="store_true",
            help="Delete entries and doses whose moment is outside 1970 to tomorrow.",
        )

    def handle(self, *args, fix_days, fix_totals, delete_outside_limits, **options):
        problems = 0
        for model, field, kind in KINDS:
            outside = self._outside_limits(model, field)
            for pk, username in outside:
                problems += 1
                self.stdout.write(
                    f"{kind} {pk} of {username}: its moment is outside 1970 to tomorrow"
                )
            if outside and delete_outside_limits:
                doomed = model.objects.filter(pk__in=[pk for pk, _ in outside])
                with transaction.atomic():
                    # Deleting loads each row, which a moment past year 9999
                    # would stop: give them a readable one first.
                    doomed.update(**{field: SURELY_TOO_EARLY})
                    doomed.delete()
                self.stdout.write(f"  deleted {len(outside)} {kind} row(s)")
            wrong_days = self._wrong_days(model, field, {pk for pk, _ in outside})
            for row, day in wrong_days:
                problems += 1
                self.stdout.write(
                    f"{kind} {row.pk} of {row.user.username}: day {row.day} "
                    f"should be {day}"
                )
                if fix_days:
                    model.objects.filter(pk=row.pk).update(day=day)
        ratings = Rating.objects.filter(
            Q(value__lt=F("metric__scale_min")) | Q(value__gt=F("metric__scale_max"))
        ).values_list("pk", "entry_id", "metric__name", "value")
        for pk, entry_id, metric, value in ratings:
            problems += 1
            self.stdout.write(
                f"rating {pk} (entry {entry_id}): {metric} = {value} is outside the "
                "metric's scale; it is kept and shown until the person edits it"
            )
        no_amount = DoseLog.objects.filter(
            skipped=False, blinded=False, amount__isnull=True
        ).values_list("pk", "user__username", "day")
        for pk, username, day in no_amount:
            problems += 1
            self.stdout.write(
                f"dose {pk} of {username} on {day}: taken, but with no amount; "
                "the person can add it on the dose's edit page"
            )
        with transaction.atomic():
            if fix_totals and connection.vendor == "postgresql":
                # No rating or tag link written while its count is written again.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "LOCK TABLE journal_rating, journal_entry_tags, journal_entry "
                        "IN SHARE MODE"
                    )
            wrong_totals = _wrong_totals()
            for (user_id, day, metric_id), (stored, actual) in wrong_totals.items():
                problems += 1
                self.stdout.write(
                    f"day total of user {user_id}, metric {metric_id} on {day}: "
                    f"{_total(stored)}, but the ratings sum to {_total(actual)}"
                )
                if fix_totals:
                    DayTotal.objects.filter(
                        user=user_id, day=day, metric=metric_id
                    ).delete()
                    if actual is not None:
                        DayTotal.objects.create(
                            user_id=user_id,
                            day=day,
                            metric_id=metric_id,
                            rating_sum=actual[0],
                            rating_count=actual[1],
                        )
            wrong_tag_days = _wrong_tag_days()
            for (user_id, day, tag_id), (stored, actual) in wrong_tag_days.items():
                problems += 1
                self.stdout.write(
                    f"tag day of user {user_id}, tag {tag_id} on {day}: "
                    f"counted {stored or 0}, but {actual or 0} of that day's entries "
                    "carry it"
                )
                if fix_totals:
                    TagDay.objects.filter(user=user_id, day=day, tag=tag_id).delete()
                    if actual:
                        TagDay.objects.create(
                            user_id=user_id, day=day, tag_id=tag_id, uses=actual
                        )
        if not problems:
            self.stdout.write(self.style.SUCCESS("No problems found."))
        elif not (fix_days or fix_totals or delete_outside_limits):
            self.stdout.write(
                f"{problems} problem(s). Repair: --fix-days resets journal days from "
                "their moments; --fix-totals writes the day totals and tag days "
                "again from the ratings and tag links; --delete-outside-limits "
                "deletes the rows listed as outside 1970 to tomorrow (they cannot "
                "be shown or exported)."
            )

    def _outside_limits(self, model, field) -> list[tuple[int, str]]:
        """Rows surely outside the limits, found without reading the moment
        itself (which may not fit a Python datetime), then the borderline ones
        checked exactly in the owner's zone."""
        now = timezone.now()
        surely = Q(**{f"{field}__lt": SURELY_TOO_EARLY}) | Q(
            **{f"{field}__gt": now + SURELY_TOO_FAR_AHEAD}
        )
        found = list(model.objects.filter(surely).values_list("pk", "user__username"))
        near = model.objects.filter(
            Q(**{f"{field}__lt": SURELY_TOO_EARLY + 2 * MAX_OFFSET})
            | Q(**{f"{field}__gt": now})
        ).exclude(surely)
        for row in near.select_related("user__profile"):
            if moment_problem(getattr(row, field), profile_for(row.user).tzinfo, now):
                found.append((row.pk, row.user.username))
        return found

    def _wrong_days(self, model, field, skip: set[int]):
        wrong = []
        rows = model.objects.exclude(pk__in=skip).select_related("user__profile")
        try:
            for row in rows.iterator(chunk_size=2000):
                day = profile_for(row.user).local_day(getattr(row, field))
                if day != row.day:
                    wrong.append((row, day))
        except (DatabaseError, OverflowError, ValueError) as error:
            self.stderr.write(f"Could not read every {model.__name__}: {error}")
        return wrong


def _wrong_totals() -> dict[tuple, tuple]:
    """Day totals that differ from the ratings they sum: (user id, day, metric
    id) -> (stored, actual), each (sum, count) or None where there is none."""
    actual = {
        (user_id, day, metric_id): (total, count)
        for user_id, day, metric_id, total, count in Rating.objects.values_list(
            "entry__user_id", "entry__day", "metric_id"
        )
        .annotate(total=Sum("value"), count=Count("id"))
        .order_by()
    }
    stored = {
        (user_id, day, metric_id): (total, count)
        for user_id, day, metric_id, total, count in DayTotal.objects.values_list(
            "user_id", "day", "metric_id", "rating_sum", "rating_count"
        )
    }
    return _differences(stored, actual)


def _wrong_tag_days() -> dict[tuple, tuple]:
    """Tag days that differ from the links they count: (user id, day, tag id)
    -> (stored, actual) uses, None where there is no row or no link."""
    actual = {
        (user_id, day, tag_id): uses
        for user_id, day, tag_id, uses in Entry.tags.through.objects.values_list(
            "entry__user_id", "entry__day", "tag_id"
        )
        .annotate(uses=Count("id"))
        .order_by()
    }
    stored = {
        (user_id, day, tag_id): uses
        for user_id, day, tag_id, uses in TagDay.objects.values_list(
            "user_id", "day", "tag_id", "uses"
        )
    }
    return _differences(stored, actual)


def _differences(stored: dict, actual: dict) -> dict[tuple, tuple]:
    """key -> (stored, actual) where the two differ, None where one has none."""
    return {
        key: (stored.get(key), actual.get(key))
        for key in sorted(actual.keys() | stored.keys())
        if stored.get(key) != actual.get(key)
    }


def _total(total: tuple | None) -> str:
    if total is None:
        return "none"
    return f"{total[0]} over {total[1]} rating(s)"
