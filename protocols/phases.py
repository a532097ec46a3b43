"""Every dosing phase and calendar day state, each spelled once, with the
words a page shows for it.

- `PlanPhase`: where a day sits in a protocol's plan (protocols.schedule);
- `DayPhase`: a day's phase from the doses actually taken (Insights);
- `DayState`: a day in the dosing calendar, plan and reality together;
- `PromptPhase`: the phases reflection prompts are written for (journal).
"""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A StrEnum whose members carry a label: `Member = "value", "Label"`."""

    def __new__(cls, value: str, label: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, for a form field or a model field."""
        return [(member.value, member.label) for member in cls]


class PlanPhase(Labelled):
    BEFORE = "before", "Before the protocol"
    DOSE = "dose", "Planned dose"
    OFF = "off", "Off day"
    BREAK = "break", "Break"
    ENDED = "ended", "After the protocol"


class DayPhase(Labelled):
    BASELINE = "baseline", "Baseline"  # before the first dose
    DOSE_DAY = "dose_day", "Dose day"
    AFTER_1 = "after_1", "Day 1 after"
    AFTER_2 = "after_2", "Day 2 after"
    LATER = "later", "Later days"  # three or more days after, within the rhythm
    BREAK = "break", "Break"  # the plan's break, or long without a dose


class DayState(Labelled):
    PLANNED = "planned", "Planned"  # a planned dose still to come
    TAKEN = "taken", "Taken as planned"
    UNPLANNED = "unplanned", "Taken, not planned"
    SKIPPED = "skipped", "Skipped"  # planned and marked skipped
    MISSED = "missed", "Missed (nothing logged)"  # planned, past, nothing logged
    BREAK = "break", "Break"  # a break between cycles
    OFF = "off", "Off day"  # nothing planned, nothing taken
    NONE = "none", "No protocol"
    # An experiment's weeks (protocols.held): its capsules take the place of
    # the protocol's planned doses.
    CAPSULE = "capsule", "Experiment capsule"  # active or placebo, unknown
    CAPSULE_DUE = "capsule_due", "Capsule day"  # a capsule planned, to come
    CAPSULE_MISSED = "capsule_missed", "Capsule day, none logged"  # past
    HELD = "held", "Experiment day"  # its capsules, not the protocol's doses


class PromptPhase(Labelled):
    """What a reflection prompt is for; `DayPhase` folded into what a person
    reflects on (later days and breaks before the first dose are "other days")."""

    DOSE_DAY = "dose_day", "Dose day (intention)"
    AFTER_1 = "after_1", "The day after (integration)"
    AFTER_2 = "after_2", "Two days after"
    OFF_DAY = "off_day", "Other days"
    BREAK = "break", "Breaks"
    BASELINE = "baseline", "Before the first dose"
    WEEKLY_REVIEW = "weekly_review", "Weekly review"
    # A capsule of a blinded experiment taken today: active or placebo.
    EXPERIMENT_DAY = "experiment_day", "Experiment capsule days"
