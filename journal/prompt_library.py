"""Titrate's built-in reflection prompts, written for this app.

Each prompt has a stable key (so later versions can reword it without
touching anyone's answers), the phases it suits and a practice kind. The data
migrations load and update these rows; users' own prompts and their choices
to switch built-ins off are never touched.
"""

from __future__ import annotations

from protocols.phases import PromptPhase

# Plain strings (the data migrations store them), spelled once in
# protocols.phases.
DOSE_DAY = PromptPhase.DOSE_DAY.value
AFTER_1 = PromptPhase.AFTER_1.value
AFTER_2 = PromptPhase.AFTER_2.value
OFF_DAY = PromptPhase.OFF_DAY.value
BREAK = PromptPhase.BREAK.value
BASELINE = PromptPhase.BASELINE.value
WEEKLY_REVIEW = PromptPhase.WEEKLY_REVIEW.value
EXPERIMENT_DAY = PromptPhase.EXPERIMENT_DAY.value
PHASES = tuple(phase.value for phase in PromptPhase)

JOURNALING = "journaling"
MINDFULNESS = "mindfulness"
REFLECTION = "reflection"
GRATITUDE = "gratitude"
BODY = "body"
KINDS = (JOURNALING, MINDFULNESS, REFLECTION, GRATITUDE, BODY)

# key, text, phases, kind
PROMPTS: list[tuple[str, str, tuple[str, ...], str]] = [
    # Dose days: intention.
    ("dose-intention-one-word", "If today had a single word as its intention, what would it be, and why that word?", (DOSE_DAY,), JOURNALING),
    ("dose-notice-one-thing", "Choose one ordinary thing you will pay closer attention to today. What do you expect to notice?", (DOSE_DAY, EXPERIMENT_DAY), MINDFULNESS),
    ("dose-body-baseline", "Before the day gets busy: where in your body do you feel settled, and where do you feel tight?", (DOSE_DAY, EXPERIMENT_DAY), BODY),
    ("dose-small-courage", "What is one small thing you have been avoiding that today could be the day for?", (DOSE_DAY,), REFLECTION),
    ("dose-kind-to-whom", "Who could use a little more patience or kindness from you today?", (DOSE_DAY, OFF_DAY, EXPERIMENT_DAY), GRATITUDE),
    ("dose-old-pattern", "Which habit of thought would you like to catch in the act today?", (DOSE_DAY, EXPERIMENT_DAY), REFLECTION),
    ("dose-what-would-help", "What would make today feel well spent, even if nothing special happens?", (DOSE_DAY, EXPERIMENT_DAY), JOURNALING),
    ("dose-breath-three", "Take three slow breaths before answering: what changed between the first and the third?", (DOSE_DAY,), MINDFULNESS),
    ("dose-expectation", "What are you hoping this dose will do? Write it down so you can compare it with what actually happens.", (DOSE_DAY,), REFLECTION),
    ("dose-creative-question", "Is there a question in your work or life you would like to turn over in the back of your mind today?", (DOSE_DAY,), JOURNALING),
    ("dose-senses", "Name one thing you can hear, one you can see and one you can feel right now.", (DOSE_DAY, BASELINE), MINDFULNESS),
    ("dose-energy-plan", "How will you look after your energy today: food, water, movement, rest?", (DOSE_DAY,), BODY),
    ("dose-let-go", "What could you let be good enough today instead of perfect?", (DOSE_DAY,), REFLECTION),
    ("dose-thanks-morning", "What is one thing about this morning you are glad of?", (DOSE_DAY, AFTER_1), GRATITUDE),
    ("dose-conversation", "Is there a conversation today you would like to be fully present for? How would that look?", (DOSE_DAY,), JOURNALING),
    # The day after: integration.
    ("after1-what-stood-out", "Looking back at yesterday, what stood out, even slightly?", (AFTER_1,), REFLECTION),
    ("after1-mood-shift", "Did your mood yesterday differ from a usual day? Describe it without judging it.", (AFTER_1,), JOURNALING),
    ("after1-intention-check", "How did yesterday's intention play out? What got in the way, and what helped?", (AFTER_1,), REFLECTION),
    ("after1-body-today", "How does your body feel this morning compared with an ordinary day: sleep, appetite, tension?", (AFTER_1,), BODY),
    ("after1-insight-keep", "Was there a thought or feeling yesterday worth keeping? Write it down before it fades.", (AFTER_1,), JOURNALING),
    ("after1-people", "How were your interactions with other people yesterday? Anything you would repeat or change?", (AFTER_1,), REFLECTION),
    ("after1-small-action", "Turn one observation from yesterday into one small action for today. What is it?", (AFTER_1, AFTER_2), JOURNALING),
    ("after1-pause", "Sit still for a minute. What is the first thing your mind reaches for?", (AFTER_1,), MINDFULNESS),
    ("after1-gratitude-three", "Write three things from the past two days you appreciate, however small.", (AFTER_1, OFF_DAY), GRATITUDE),
    ("after1-placebo", "If you had not taken anything yesterday, how might you have described the day?", (AFTER_1,), REFLECTION),
    ("after1-friction", "Was anything harder than usual yesterday? What do you make of it now?", (AFTER_1,), REFLECTION),
    ("after1-focus", "When were you most focused yesterday, and what were you doing?", (AFTER_1,), JOURNALING),
    ("after1-stretch", "Stretch slowly for a minute. Where did you find stiffness, and where ease?", (AFTER_1,), BODY),
    # Two days after.
    ("after2-settled", "Two days on, what feels settled and what still feels unfinished?", (AFTER_2,), REFLECTION),
    ("after2-baseline-compare", "Is today closer to your usual self or to the dose day? In what way?", (AFTER_2,), JOURNALING),
    ("after2-habit", "Did any new habit or intention survive into today? What kept it going?", (AFTER_2,), REFLECTION),
    ("after2-walk", "If you can, take a short walk without your phone. What did you notice on the way?", (AFTER_2, OFF_DAY), MINDFULNESS),
    ("after2-sleep", "How have the last two nights of sleep been? Anything you would adjust?", (AFTER_2,), BODY),
    ("after2-someone", "Who has made the past few days easier for you? Have you told them?", (AFTER_2,), GRATITUDE),
    ("after2-story", "What story did you tell yourself this week that you might question?", (AFTER_2,), REFLECTION),
    ("after2-energy-curve", "Sketch in words how your energy moved over the last three days.", (AFTER_2,), JOURNALING),
    ("after2-hands", "Notice your hands for a moment: their temperature, weight, any tingling. How do they feel?", (AFTER_2,), BODY),
    ("after2-enough", "What went well enough this week that it deserves no more worry?", (AFTER_2, WEEKLY_REVIEW), REFLECTION),
    # Ordinary off days.
    ("off-ordinary-good", "What was good about an ordinary day like today?", (OFF_DAY,), GRATITUDE),
    ("off-without", "How is today different from a dose day, honestly?", (OFF_DAY,), REFLECTION),
    ("off-one-minute", "Spend one minute following your breath. What pulled your attention away?", (OFF_DAY, BREAK), MINDFULNESS),
    ("off-body-scan", "Scan from head to feet. Where is there effort you could let go of?", (OFF_DAY, BREAK), BODY),
    ("off-curiosity", "What are you curious about at the moment?", (OFF_DAY,), JOURNALING),
    ("off-mood-words", "Describe your mood in three words, and what might have shaped each one.", (OFF_DAY, BASELINE), JOURNALING),
    ("off-value", "Which of your values did you act on today?", (OFF_DAY,), REFLECTION),
    ("off-nature", "Was there a moment outdoors today, however brief? What was it like?", (OFF_DAY, BREAK), MINDFULNESS),
    ("off-thank-self", "What did you do today that your future self will thank you for?", (OFF_DAY,), GRATITUDE),
    ("off-irritation", "What irritated you today, and what does that tell you about what matters to you?", (OFF_DAY,), REFLECTION),
    ("off-posture", "How are you sitting or standing right now? Adjust one thing and notice the difference.", (OFF_DAY,), BODY),
    ("off-learned", "What did you learn today, about anything at all?", (OFF_DAY,), JOURNALING),
    ("off-slow-task", "Do one routine task slowly and on purpose. What was it like?", (OFF_DAY,), MINDFULNESS),
    # Breaks between cycles.
    ("break-why", "Why are you taking this break, in your own words?", (BREAK,), REFLECTION),
    ("break-miss", "Is there anything you miss from the dosing weeks? Anything you do not miss?", (BREAK,), REFLECTION),
    ("break-baseline-self", "Without a protocol running, how would you describe your usual self these days?", (BREAK,), JOURNALING),
    ("break-keep", "Which change from the last cycle do you want to keep without any help?", (BREAK,), JOURNALING),
    ("break-rest", "How is your body resting during this break: sleep, appetite, energy?", (BREAK,), BODY),
    ("break-support", "Which people, places or routines support you regardless of any protocol?", (BREAK,), GRATITUDE),
    ("break-honest", "Looking at your notes so far, what do you honestly think the protocol has done for you?", (BREAK,), REFLECTION),
    ("break-sit", "Sit quietly for two minutes. What arose, and what passed?", (BREAK,), MINDFULNESS),
    ("break-next-cycle", "If you start another cycle, what would you do differently?", (BREAK,), REFLECTION),
    # Baseline: before the first dose.
    ("baseline-why-start", "Why are you considering microdosing? What do you hope will change?", (BASELINE,), REFLECTION),
    ("baseline-typical-day", "Describe a typical day right now: mood, energy, focus, sleep.", (BASELINE,), JOURNALING),
    ("baseline-measure", "How would you know, a month from now, that something had changed?", (BASELINE,), REFLECTION),
    ("baseline-worries", "Do you have any worries about starting? Write them down so you can come back to them.", (BASELINE,), JOURNALING),
    ("baseline-body", "How does your body feel on an ordinary day right now? Any aches, tension or restlessness?", (BASELINE,), BODY),
    ("baseline-gratitude", "What is already going well in your life that you want to protect?", (BASELINE,), GRATITUDE),
    ("baseline-attention", "Notice where your attention goes when you are idle. Where did it go today?", (BASELINE,), MINDFULNESS),
    ("baseline-support", "Who knows you are trying this, and who could you talk to if it goes badly?", (BASELINE,), REFLECTION),
    ("baseline-sleep", "How have you slept this week? What usually helps?", (BASELINE,), BODY),
    ("baseline-expect-placebo", "Expectations change how we feel. What do you expect, and how might that colour your notes?", (BASELINE, EXPERIMENT_DAY), REFLECTION),
    # Days of a blinded experiment's capsule: expectation, noticed plainly.
    ("experiment-expect", "What do you expect today? What would make you think it was the active capsule?", (EXPERIMENT_DAY,), REFLECTION),
    ("experiment-what-is-there", "Before you guess: what have you noticed today that is really there, not only expected?", (EXPERIMENT_DAY,), MINDFULNESS),
    ("experiment-keep-anyway", "If today's capsule was a placebo, what about today would you still want to keep?", (EXPERIMENT_DAY,), JOURNALING),
    ("experiment-body-scan", "Take one slow minute with your body. What is there, before deciding what it means?", (EXPERIMENT_DAY,), BODY),
    # Weekly review.
    ("week-highlight", "What was the best moment of this week?", (WEEKLY_REVIEW,), GRATITUDE),
    ("week-hardest", "What was the hardest part of this week, and how did you handle it?", (WEEKLY_REVIEW,), REFLECTION),
    ("week-pattern", "Looking at this week's numbers and notes, do you see a pattern? Could it be chance?", (WEEKLY_REVIEW,), REFLECTION),
    ("week-dose-vs-off", "Did dose days and other days feel different this week? How sure are you?", (WEEKLY_REVIEW,), REFLECTION),
    ("week-intention-next", "What intention will you carry into next week?", (WEEKLY_REVIEW,), JOURNALING),
    ("week-body", "How did your body fare this week: sleep, movement, appetite?", (WEEKLY_REVIEW,), BODY),
    ("week-thanks", "Whom or what are you thankful for this week?", (WEEKLY_REVIEW,), GRATITUDE),
    ("week-protocol-fit", "Is your protocol still serving you, or is it time to adjust, pause or stop?", (WEEKLY_REVIEW,), REFLECTION),
    ("week-surprise", "What surprised you this week?", (WEEKLY_REVIEW,), JOURNALING),
    ("week-presence", "When were you most present this week?", (WEEKLY_REVIEW,), MINDFULNESS),
    ("week-drop", "What is one thing you could stop doing next week?", (WEEKLY_REVIEW,), REFLECTION),
    ("week-advice", "If a friend had your week, what would you say to them?", (WEEKLY_REVIEW,), JOURNALING),
    ("week-consistency", "How consistent were your check-ins this week, and what made them easy or hard?", (WEEKLY_REVIEW,), REFLECTION),
]  # fmt: skip
