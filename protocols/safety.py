"""Safety: the screening questions asked before a first protocol, and the
warnings shown when a logged dose looks risky. Advisories, never blocks.

The wording is our own. Where it rests on public sources, those are named in
SOURCES and shown on the screening page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Question:
    key: str
    question: str
    advisory: str  # shown when the answer is yes: what is known, and its source


# Written as facts with their sources and what harm-reduction services advise.
# Only lithium, where seizures are reported again and again, gets an imperative.
QUESTIONS = [
    Question(
        "lithium",
        "Do you take lithium?",
        "Lithium taken with LSD or psilocybin has been followed by seizures in "
        "many reports (Nayak et al. 2021: 47% of 62 reports). Do not combine "
        "them, and talk to your prescriber before changing anything.",
    ),
    Question(
        "seizures",
        "Have you had seizures or epilepsy, or do you take bupropion or tramadol?",
        "Bupropion and tramadol lower the seizure threshold, as does a history "
        "of seizures (their prescribing information); seizures have been "
        "reported with psychedelics on top of such risks (Nayak et al. 2021). "
        "Harm-reduction services advise against combining them.",
    ),
    Question(
        "maoi",
        "Do you take an MAOI (some antidepressants, or ayahuasca-type brews)?",
        "MAOIs slow the breakdown of psilocin, so psilocybin can become much "
        "stronger and last longer; TripSit's combination chart advises caution. "
        "With LSD, TripSit lists the combination as low risk, with a weaker "
        "effect.",
    ),
    Question(
        "ssri",
        "Do you take an SSRI or SNRI antidepressant?",
        "These often blunt the effect of psychedelics (Gukasyan et al. 2023), "
        "which tempts people to take more. Prescribers and harm-reduction "
        "services advise against stopping or changing them on your own: "
        "stopping suddenly has its own risks.",
    ),
    Question(
        "other_drugs",
        "Do you use cannabis or stimulants (including ADHD medication)?",
        "Cannabis can make psychedelic effects stronger and less predictable, "
        "and stimulants add strain on the heart and on sleep; TripSit's "
        "combination chart advises caution with both.",
    ),
    Question(
        "psychosis",
        "Have you, or a parent or sibling, had psychosis, schizophrenia or "
        "bipolar I disorder?",
        "Psychedelics may trigger psychosis or mania in people with this "
        "personal or family history, and research excludes them for that "
        "reason (Johnson, Richards & Griffiths 2008). Harm-reduction services "
        "advise talking to a clinician first.",
    ),
    Question(
        "pregnancy",
        "Are you pregnant, or could you be, or are you breastfeeding?",
        "There is no safety research on psychedelics in pregnancy or while "
        "breastfeeding; harm-reduction services advise not microdosing then.",
    ),
    Question(
        "heart_valve",
        "Do you have heart-valve disease or another heart condition?",
        "Psilocybin and LSD act on serotonin 5-HT2B receptors; drugs that do so "
        "over long periods have damaged heart valves. For microdosing this is a "
        "potential risk with no clinical studies yet (Tagen et al. 2023); "
        "regular breaks keep exposure lower.",
    ),
]

# Shown to everyone on the safety page, whatever the answers.
GENERAL_NOTES = [
    "Tolerance builds over a few daily doses and fades over several days "
    "(Isbell et al. 1961), which is why protocols put days off between doses. "
    "LSD and psilocybin share it.",
    "What is sold as LSD is not always LSD: NBOMe compounds have been sold on "
    "blotter and are far more dangerous. Drug-checking services and reagent "
    "tests (Ehrlich's reagent turns purple with LSD, not with NBOMe) can tell.",
    "Mushrooms vary several-fold in strength between species, batches and "
    "even single mushrooms (Beug & Bigwood 1982). Harm-reduction services "
    "advise grinding and mixing a whole batch, and starting low with a new one.",
    "A microdose can still change attention and reaction time; in many places "
    "driving with any amount in the body is an offence. Harm-reduction services "
    "advise not driving until you know how a dose affects you.",
]

SOURCES = [
    "Johnson, Richards & Griffiths (2008), Human hallucinogen research: "
    "guidelines for safety, Journal of Psychopharmacology",
    "Nayak et al. (2021), Classic psychedelic coadministration with lithium, "
    "but not lamotrigine, is associated with seizures, Pharmacopsychiatry",
    "Tagen et al. (2023), The risk of chronic psychedelic and MDMA microdosing "
    "for valvular heart disease, Journal of Psychopharmacology",
    "Gukasyan et al. (2023), Attenuation of psilocybin mushroom effects during "
    "and after SSRI/SNRI antidepressant use, Journal of Psychopharmacology",
    "Isbell et al. (1961), Cross tolerance between LSD and psilocybin, "
    "Psychopharmacologia",
    "Beug & Bigwood (1982), Psilocybin and psilocin levels in twenty species "
    "from seven genera of wild mushrooms, Journal of Ethnopharmacology",
    "TripSit's drug combination chart (combo.tripsit.me), and DanceSafe's "
    "drug-checking resources",
    "Fadiman (2011), The Psychedelic Explorer's Guide, on the schedule named after him",
]

# Weeks without a planned break after which the heart-valve note is shown to
# everyone on that protocol.
LONG_WITHOUT_BREAK_WEEKS = 12
HEART_VALVE_NOTE = (
    "This protocol has run for months without a planned break. Long, continuous "
    "use of drugs acting on serotonin 5-HT2B receptors has damaged heart valves; "
    "for microdosing this is a potential risk with no clinical studies yet "
    "(Tagen et al. 2023). Regular breaks keep exposure lower."
)

# A dose this many times the planned amount is "well above the plan".
WELL_ABOVE = Decimal("1.5")
CROSS_TOLERANCE_DAYS = 7
SEROTONERGIC = {"psilocybin", "lsd"}


@dataclass(frozen=True)
class RecentDose:
    day: dt.date
    kind: str


@dataclass(frozen=True)
class Plan:
    """What the protocol governing the dose plans: its days and its amount."""

    days: frozenset[dt.date]
    amount: Decimal | None
    substance_id: int | None
    unit: str


def dose_warnings(
    *,
    day: dt.date,
    kind: str,
    amount: Decimal | None,
    substance_id: int,
    unit: str,
    plan: Plan | None,
    recent: list[RecentDose],
) -> list[str]:
    """Warnings about a dose taken on `day`, given the other doses around it
    and the plan of the protocol it follows."""
    warnings = []
    planned = plan.days if plan else frozenset()
    if any(other.day == day for other in recent):
        warnings.append(
            "This is a second dose on the same day. A microdose is one dose a day; "
            "more adds to tolerance and to risk, not to the effect you are after."
        )
    neighbours = {other.day for other in recent if abs((other.day - day).days) == 1}
    # Consecutive days the protocol itself plans (Stamets' four on) are expected.
    unplanned = {d for d in neighbours if not (d in planned and day in planned)}
    if unplanned:
        warnings.append(
            "You also took a dose on the day before or after this one, which your "
            "protocol does not plan. Tolerance builds over a few daily doses and "
            "fades over several days, so extra doses mostly add risk, not effect."
        )
    if kind in SEROTONERGIC:
        switched = [
            other
            for other in recent
            if other.kind in SEROTONERGIC
            and other.kind != kind
            and abs((other.day - day).days) <= CROSS_TOLERANCE_DAYS
        ]
        if switched:
            warnings.append(
                "LSD and psilocybin share a tolerance: within a week of each "
                "other, the second works less, which invites a bigger dose."
            )
    comparable = (
        plan is not None
        and plan.amount
        and plan.substance_id == substance_id
        and plan.unit == unit
    )
    if amount is not None and comparable and amount > plan.amount * WELL_ABOVE:
        warnings.append(
            f"This is well above your plan of {plan.amount.normalize():f} {unit}. "
            "A microdose is meant to go unnoticed; many people go lower from here."
        )
    return warnings


def runs_long_without_break(
    on_weeks: int | None, break_weeks: int, weeks_running: int
) -> bool:
    """Whether a protocol has run for months with no planned break."""
    no_breaks = on_weeks is None or break_weeks == 0
    return no_breaks and weeks_running >= LONG_WITHOUT_BREAK_WEEKS


def advisories(answers: dict[str, bool]) -> list[Question]:
    return [question for question in QUESTIONS if answers.get(question.key)]
