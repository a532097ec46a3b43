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
    advisory: str  # shown when the answer is yes


QUESTIONS = [
    Question(
        "lithium",
        "Do you take lithium?",
        "Lithium combined with psychedelics has been linked to seizures in many "
        "reports. Please do not combine them; talk to your prescriber.",
    ),
    Question(
        "tramadol",
        "Do you take tramadol?",
        "Tramadol lowers the seizure threshold, and together with psychedelics "
        "that risk may rise. Avoid the combination.",
    ),
    Question(
        "maoi",
        "Do you take an MAOI (some antidepressants, or ayahuasca-type brews)?",
        "MAOIs can greatly strengthen and lengthen the effect of psilocybin and "
        "interact unpredictably with other substances. Avoid combining them.",
    ),
    Question(
        "ssri",
        "Do you take an SSRI or SNRI antidepressant?",
        "These often blunt the effect of psychedelics, which tempts people to "
        "take more. Never stop or change them without your prescriber.",
    ),
    Question(
        "psychosis",
        "Have you, or a parent or sibling, had psychosis, schizophrenia or "
        "bipolar I disorder?",
        "Psychedelics may trigger psychosis or mania in people with this personal "
        "or family history. Most research excludes them; please think very "
        "carefully and talk to a clinician first.",
    ),
    Question(
        "pregnancy",
        "Are you pregnant, or could you be, or are you breastfeeding?",
        "There is no safety research on psychedelics in pregnancy or while "
        "breastfeeding. Please do not microdose during this time.",
    ),
    Question(
        "heart_valve",
        "Do you have heart-valve disease or another heart condition?",
        "Psilocybin and LSD act on serotonin 5-HT2B receptors, which are linked "
        "to heart-valve damage with long, regular use. Talk to a doctor, and "
        "prefer protocols with regular breaks.",
    ),
]

SOURCES = [
    "Johnson, Richards & Griffiths (2008), Human hallucinogen research: "
    "guidelines for safety, Journal of Psychopharmacology",
    "Nayak et al. (2021), Classic psychedelic coadministration with lithium, "
    "but not lamotrigine, is associated with seizures, Pharmacopsychiatry",
    "Tagen et al. (2023), The risk of chronic psychedelic and MDMA microdosing "
    "for valvular heart disease, Journal of Psychopharmacology",
    "Fadiman (2011), The Psychedelic Explorer's Guide, on the schedule named after him",
    "The Multidisciplinary Association for Psychedelic Studies (MAPS), "
    "harm-reduction resources",
]

# A dose this many times the planned amount is "well above the plan".
WELL_ABOVE = Decimal("1.5")
CROSS_TOLERANCE_DAYS = 7
SEROTONERGIC = {"psilocybin", "lsd"}


@dataclass(frozen=True)
class RecentDose:
    day: dt.date
    kind: str


def dose_warnings(
    *,
    day: dt.date,
    kind: str,
    amount: Decimal | None,
    planned_amount: Decimal | None,
    recent: list[RecentDose],
) -> list[str]:
    """Warnings about a dose taken on `day`, given the other doses around it."""
    warnings = []
    near = {abs((other.day - day).days) for other in recent}
    if 1 in near:
        warnings.append(
            "You also took a dose on the day before or after this one. Tolerance "
            "builds within a day, so back-to-back doses mostly add risk, not effect."
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
    if amount is not None and planned_amount and amount > planned_amount * WELL_ABOVE:
        warnings.append(
            f"This is well above your plan of {planned_amount.normalize():f}. "
            "A microdose should not be noticeable; consider going lower."
        )
    return warnings


def advisories(answers: dict[str, bool]) -> list[Question]:
    return [question for question in QUESTIONS if answers.get(question.key)]
