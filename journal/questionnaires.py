"""Validated questionnaires: WHO-5, PHQ-9 and GAD-7, item by item, with their
published wording, scoring, bands and attribution. Pure: no database.

Sources:
- WHO-5: Psychiatric Research Unit, WHO Collaborating Centre in Mental Health,
  Mental Health Centre North Zealand (1998); Topp CW et al., "The WHO-5
  Well-Being Index: a systematic review of the literature", Psychother
  Psychosom 2015;84:167–176 (cut-off 50, change of 10 points).
- PHQ-9: Kroenke K, Spitzer RL, Williams JBW, "The PHQ-9: validity of a brief
  depression severity measure", J Gen Intern Med 2001;16:606–613 (bands);
  Löwe B et al., Med Care 2004;42:1194–1201 (a change of 5 points).
- GAD-7: Spitzer RL, Kroenke K, Williams JBW, Löwe B, "A brief measure for
  assessing generalized anxiety disorder", Arch Intern Med 2006;166:1092–1097
  (bands); Toussaint A et al., J Affect Disord 2020;265:395–401 (a change of
  4 points).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# How often each is due: the two weeks they ask about.
RECALL_DAYS = 14

PFIZER = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc. No permission "
    "required to reproduce, translate, display or distribute."
)
FREQUENCY = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)


@dataclass(frozen=True)
class Band:
    lowest: int  # the smallest score in the band
    label: str


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str
    title: str
    question: str  # asked before every item
    items: tuple[str, ...]
    options: tuple[tuple[int, str], ...]
    bands: tuple[Band, ...]
    # A change at least this large is meaningful (on the shown scale).
    meaningful_change: int
    attribution: str
    source: str
    multiplier: int = 1  # WHO-5: raw total × 4
    higher_is_better: bool = False
    # The item that asks about self-harm (PHQ-9 item 9), 0-based.
    safety_item: int | None = None

    @property
    def maximum(self) -> int:
        return len(self.items) * max(v for v, _ in self.options) * self.multiplier

    def score(self, answers: Sequence[int]) -> int:
        if len(answers) != len(self.items):
            raise ValueError(f"{self.name} has {len(self.items)} items.")
        allowed = {v for v, _ in self.options}
        if any(a not in allowed for a in answers):
            raise ValueError(f"{self.name} answers are {sorted(allowed)}.")
        return sum(answers) * self.multiplier

    def band(self, score: int) -> str:
        label = self.bands[0].label
        for band in self.bands:
            if score >= band.lowest:
                label = band.label
        return label

    def needs_care_note(self, answers: Sequence[int]) -> bool:
        """Thoughts of death or self-harm on any day: crisis resources, always."""
        return self.safety_item is not None and answers[self.safety_item] > 0


WHO5 = Instrument(
    key="who5",
    name="WHO-5",
    title="Wellbeing (WHO-5)",
    question="Over the last two weeks…",
    items=(
        "I have felt cheerful and in good spirits",
        "I have felt calm and relaxed",
        "I have felt active and vigorous",
        "I woke up feeling fresh and rested",
        "My daily life has been filled with things that interest me",
    ),
    options=(
        (5, "All of the time"),
        (4, "Most of the time"),
        (3, "More than half of the time"),
        (2, "Less than half of the time"),
        (1, "Some of the time"),
        (0, "At no time"),
    ),
    bands=(Band(0, "poor wellbeing"), Band(52, "no sign of poor wellbeing")),
    meaningful_change=10,
    multiplier=4,
    higher_is_better=True,
    attribution=(
        "WHO-5 Well-Being Index © Psychiatric Research Unit, Mental Health Centre "
        "North Zealand; free to use."
    ),
    source=(
        "Topp CW et al., Psychother Psychosom 2015;84:167–176: below 50 is poor "
        "wellbeing; a change of 10 points is meaningful."
    ),
)

PHQ9 = Instrument(
    key="phq9",
    name="PHQ-9",
    title="Mood (PHQ-9)",
    question=(
        "Over the last 2 weeks, how often have you been bothered by any of the "
        "following problems?"
    ),
    items=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let "
        "yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or "
        "watching television",
        "Moving or speaking so slowly that other people could have noticed? Or "
        "the opposite — being so fidgety or restless that you have been moving "
        "around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    options=FREQUENCY,
    bands=(
        Band(0, "minimal"),
        Band(5, "mild"),
        Band(10, "moderate"),
        Band(15, "moderately severe"),
        Band(20, "severe"),
    ),
    meaningful_change=5,
    safety_item=8,
    attribution=f"Patient Health Questionnaire (PHQ-9). {PFIZER}",
    source=(
        "Kroenke K et al., J Gen Intern Med 2001;16:606–613: 5, 10, 15 and 20 are "
        "mild, moderate, moderately severe and severe; Löwe B et al., Med Care "
        "2004;42:1194–1201: a change of 5 points is meaningful."
    ),
)

GAD7 = Instrument(
    key="gad7",
    name="GAD-7",
    title="Anxiety (GAD-7)",
    question=(
        "Over the last 2 weeks, how often have you been bothered by the following "
        "problems?"
    ),
    items=(
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    options=FREQUENCY,
    bands=(
        Band(0, "minimal"),
        Band(5, "mild"),
        Band(10, "moderate"),
        Band(15, "severe"),
    ),
    meaningful_change=4,
    attribution=f"Generalized Anxiety Disorder scale (GAD-7). {PFIZER}",
    source=(
        "Spitzer RL et al., Arch Intern Med 2006;166:1092–1097: 5, 10 and 15 are "
        "mild, moderate and severe; Toussaint A et al., J Affect Disord "
        "2020;265:395–401: a change of 4 points is meaningful."
    ),
)

INSTRUMENTS = {i.key: i for i in (WHO5, PHQ9, GAD7)}


def change_words(instrument: Instrument, before: int, after: int) -> str:
    """A change judged against the instrument's meaningful difference."""
    change = after - before
    if abs(change) < instrument.meaningful_change:
        return (
            f"{change:+d}: within the {instrument.meaningful_change} points that "
            "count as a meaningful change"
        ).replace("-", "−")
    better = (change > 0) == instrument.higher_is_better
    return (
        f"{change:+d}: a meaningful change, {'better' if better else 'worse'}"
    ).replace("-", "−")
