"""Designing, running and unblinding an experiment, through its pages."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from experiments import services
from experiments.models import Envelope, Experiment, Guess
from journal.models import Entry, Rating
from protocols.models import DoseLog, SafetyScreen
from tests.factories import make_experiment, mood_metric
from tests.markup import input_value, start_tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened(owner):
    SafetyScreen.objects.create(user=owner, answers={})
    return owner


def design_data(owner, **changes) -> dict:
    data = {
        "substance": owner.substances.first().pk,
        "amount": "100",
        "primary_metric": mood_metric(owner).pk,
        "design": "weekly",
        "weeks": "8",
        "weekdays": ["0", "3"],
        "start_date": owner.profile.local_day().isoformat(),
    }
    return {**data, **changes}


def test_the_safety_screen_comes_first(owner_client, owner):
    response = owner_client.get("/experiments/new/")
    assert response.status_code == 302 and response["Location"] == "/protocol/safety/"


def test_planning_an_experiment_makes_half_its_envelopes_active(owner_client, screened):
    response = owner_client.post(
        "/experiments/new/", design_data(screened, design="dose_days", weeks="6")
    )
    experiment = Experiment.objects.get(user=screened)
    assert response["Location"] == f"/experiments/{experiment.pk}/"
    assert experiment.status == "planned" and experiment.weekdays == [0, 3]
    envelopes = list(experiment.envelopes.all())
    assert len(envelopes) == 12
    assert sum(e.active for e in envelopes) == 6
    assert len({e.token for e in envelopes}) == 12


def test_a_design_sent_twice_plans_one_experiment(owner_client, screened):
    token = input_value(owner_client.get("/experiments/new/").content.decode(), "token")
    data = design_data(screened, token=token)
    first = owner_client.post("/experiments/new/", data)
    second = owner_client.post("/experiments/new/", data)  # a double tap
    experiment = Experiment.objects.get(user=screened)
    assert first["Location"] == second["Location"] == f"/experiments/{experiment.pk}/"
    assert experiment.envelopes.count() == 8  # one a week, as planned once


def test_another_persons_token_plans_an_experiment_of_ones_own(
    owner_client, screened, other_client, other_user
):
    token = input_value(owner_client.get("/experiments/new/").content.decode(), "token")
    owner_client.post("/experiments/new/", design_data(screened, token=token))
    SafetyScreen.objects.create(user=other_user, answers={})
    response = other_client.post(
        "/experiments/new/", design_data(other_user, token=token)
    )
    theirs = Experiment.objects.get(user=other_user)
    assert response["Location"] == f"/experiments/{theirs.pk}/"
    assert Experiment.objects.filter(user=screened).count() == 1


def test_the_same_design_sent_at_the_same_moment_plans_one(screened, monkeypatch):
    # The other request writes its experiment after this one looked for the
    # token and before it writes its own.
    token = uuid.uuid4()
    check = Experiment.full_clean

    def other_request_first(self, *args, **kwargs):
        check(self, *args, **kwargs)
        if not Experiment.objects.filter(client_token=token).exists():
            Experiment.objects.create(
                **{
                    f.attname: getattr(self, f.attname)
                    for f in self._meta.concrete_fields
                    if f.attname != "id"
                }
            )

    monkeypatch.setattr(Experiment, "full_clean", other_request_first)
    fields = {
        "substance": screened.substances.first(),
        "amount": Decimal("100"),
        "primary_metric": mood_metric(screened),
        "design": "weekly",
        "weeks": 8,
        "weekdays": [0, 3],
        "start_date": screened.profile.local_day(),
    }
    experiment = services.experiment_create(user=screened, client_token=token, **fields)
    assert list(Experiment.objects.filter(user=screened)) == [experiment]
    assert not Envelope.objects.exclude(experiment=experiment).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "This field is required"),
        ({"weekdays": ["0", "1", "2", "3"]}, "weekdays", "one to three"),
        ({"weeks": "5"}, "weeks", "Select a valid choice"),
        ({"amount": "0"}, "amount", "greater than or equal to 0.01"),
        ({"start_date": "2001-01-01"}, "start_date", "today or a day ahead"),
    ],
)
def test_a_bad_design_is_refused_next_to_its_field(
    owner_client, screened, changes, field, message
):
    response = owner_client.post("/experiments/new/", design_data(screened, **changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Experiment.objects.exists()


def test_another_users_metric_cannot_be_the_primary_outcome(
    owner_client, screened, other_user
):
    data = design_data(screened, primary_metric=mood_metric(other_user).pk)
    assert owner_client.post("/experiments/new/", data).status_code == 422
    assert not Experiment.objects.exists()


def test_the_planned_experiment_says_how_long_it_needs(owner_client, owner):
    experiment = make_experiment(owner, start=False, weeks=4)
    html = owner_client.get(f"/experiments/{experiment.pk}/").content.decode()
    assert "How long it needs" in html
    assert "about even odds (50% power)" in html
    assert "a typical day-to-day spread of 1.5 points" in html  # no data yet
    assert "no result could be called clear" in html  # 4 weekly envelopes


def test_the_sheets_show_codes_and_no_token(owner_client, owner):
    experiment = make_experiment(owner, start=False, weeks=4)
    html = owner_client.get(f"/experiments/{experiment.pk}/sheets/").content.decode()
    assert html.count('src="data:image/svg+xml') == 4
    assert "Sheet 1 of 2: active envelopes" in html
    for envelope in experiment.envelopes.all():
        assert envelope.token not in html


def scan(client, token: str):
    return client.post(f"/experiments/e/{token}/")


def test_scanning_an_envelope_records_it_and_a_blind_capsule(owner_client, owner):
    experiment = make_experiment(owner)
    envelope = experiment.envelopes.first()
    page = owner_client.get(f"/experiments/e/{envelope.token}/")
    assert page.status_code == 200 and "data-auto-submit" in page.content.decode()
    response = scan(owner_client, envelope.token)
    assert response["Location"] == f"/experiments/{experiment.pk}/"
    envelope.refresh_from_db()
    assert envelope.opened_at is not None
    assert envelope.day == owner.profile.local_day()
    dose = DoseLog.objects.get(user=owner)
    assert (dose.blinded, dose.amount, dose.skipped) == (True, None, False)
    assert envelope.dose == dose
    # Scanned again (a reload): nothing changes.
    scan(owner_client, envelope.token)
    assert DoseLog.objects.count() == 1


def test_a_second_envelope_the_same_week_is_refused(owner_client, owner):
    experiment = make_experiment(owner)
    first, second = experiment.envelopes.all()[:2]
    scan(owner_client, first.token)
    response = scan(owner_client, second.token)
    assert response.status_code == 409
    assert "Keep this one for the next week" in response.content.decode()
    second.refresh_from_db()
    assert second.opened_at is None and DoseLog.objects.count() == 1


def test_another_persons_code_is_refused_and_changes_nothing(owner_client, other_user):
    theirs = make_experiment(other_user).envelopes.first()
    for response in (
        owner_client.get(f"/experiments/e/{theirs.token}/"),
        scan(owner_client, theirs.token),
    ):
        assert response.status_code == 404
        assert "not one of your envelopes" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.opened_at is None and not DoseLog.objects.exists()


def test_a_code_of_an_ended_or_paused_experiment_is_refused(owner_client, owner):
    ended = make_experiment(owner)
    services.experiment_stop(ended, "")
    response = scan(owner_client, ended.envelopes.first().token)
    assert response.status_code == 409 and "has ended" in response.content.decode()
    paused = make_experiment(owner)
    services.experiment_pause(paused)
    response = scan(owner_client, paused.envelopes.first().token)
    assert "is paused" in response.content.decode()
    assert not DoseLog.objects.exists()


def test_pause_and_resume_tapped_twice_do_what_one_tap_does(
    owner_client, owner, other_user
):
    experiment = make_experiment(owner)
    page, url = f"/experiments/{experiment.pk}/", f"/experiments/{experiment.pk}/pause/"

    def offered() -> list[str]:
        return [
            dict(attrs)["value"]
            for tag, attrs in start_tags(owner_client.get(page).content.decode())
            if tag == "button" and dict(attrs).get("name") == "action"
        ]

    assert offered() == ["pause"]
    for action, status in (("pause", "paused"), ("resume", "running")):
        for _ in range(2):  # a double tap
            assert owner_client.post(url, {"action": action}).status_code == 302
        experiment.refresh_from_db()
        assert experiment.status == status
        assert offered() == ["resume" if status == "paused" else "pause"]
    # A button with no action changes nothing and says so.
    refused = owner_client.post(url, {}, follow=True).content.decode()
    assert "Choose Pause or Resume." in refused
    experiment.refresh_from_db()
    assert experiment.status == "running"
    theirs = make_experiment(other_user)
    response = owner_client.post(
        f"/experiments/{theirs.pk}/pause/", {"action": "pause"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "running"


def test_scanning_signed_out_asks_to_sign_in_and_comes_back(client, owner):
    token = make_experiment(owner).envelopes.first().token
    response = client.get(f"/experiments/e/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/experiments/e/{token}/"


def test_a_guess_is_kept_hidden_and_can_be_changed_the_same_day(owner_client, owner):
    experiment = make_experiment(owner, design="dose_days")
    monday = [e for e in experiment.envelopes.all()][0]
    scan(owner_client, monday.token)
    url = f"/experiments/{experiment.pk}/guess/"
    owner_client.post(url, {"answer": "active", "confidence": "70", "kind": "day"})
    owner_client.post(url, {"answer": "placebo", "confidence": "40", "kind": "day"})
    guess = Guess.objects.get()
    assert (guess.answer, guess.confidence) == ("placebo", 40)
    html = owner_client.get(f"/experiments/{experiment.pk}/").content.decode()
    assert "Today's guess noted (Placebo, 40% sure)" in html
    assert "The result" not in html


def test_a_guess_without_an_open_envelope_is_refused(owner_client, owner):
    experiment = make_experiment(owner, design="dose_days")  # nothing opened
    response = owner_client.post(
        f"/experiments/{experiment.pk}/guess/",
        {"answer": "active", "confidence": "70", "kind": "day"},
        follow=True,
    )
    assert "No envelope is open today: nothing to guess." in response.content.decode()
    assert not Guess.objects.exists()


def test_deleting_an_experiment_asks_first_and_only_its_owner(
    owner_client, owner, other_user
):
    experiment = make_experiment(owner)
    page = owner_client.get(f"/experiments/{experiment.pk}/delete/")
    assert page.status_code == 200
    assert f'action="/experiments/{experiment.pk}/delete/"' in page.content.decode()
    assert "Its weeks go back to your protocol’s plan" in page.content.decode()
    planned = make_experiment(owner, start=False)
    page = owner_client.get(f"/experiments/{planned.pk}/delete/").content.decode()
    assert "the capsules you took stay" in page
    assert "Its weeks go back" not in page
    theirs = make_experiment(other_user)
    for send in (owner_client.get, owner_client.post):
        assert send(f"/experiments/{theirs.pk}/delete/").status_code == 404
    assert Experiment.objects.filter(pk__in=[experiment.pk, theirs.pk]).count() == 2
    assert Experiment.objects.filter(pk=planned.pk).exists()


def test_a_bad_guess_is_refused(owner_client, owner):
    experiment = make_experiment(owner, design="dose_days")
    scan(owner_client, experiment.envelopes.first().token)
    owner_client.post(
        f"/experiments/{experiment.pk}/guess/",
        {"answer": "both", "confidence": "500", "kind": "day"},
    )
    assert not Guess.objects.exists()


def test_nothing_reveals_the_allocation_before_unblinding(owner_client, owner):
    experiment = make_experiment(owner, weeks=4)
    scan(owner_client, experiment.envelopes.first().token)
    pages = [
        f"/experiments/{experiment.pk}/",
        "/experiments/",
        "/protocol/",
        "/journal/",
        "/",
    ]
    for url in pages:
        response = owner_client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert '"active": true' not in body and '"active": false' not in body, url
        assert "Placebo</td>" not in body and "Active</td>" not in body, url
    assert (
        owner_client.post(f"/experiments/{experiment.pk}/unblind/").status_code == 302
    )
    experiment.refresh_from_db()
    assert experiment.unblinded_at is None  # the weeks are not over


def _rate(owner, day: dt.date, value: int) -> None:
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=owner.profile.tzinfo)
    entry = Entry.objects.create(user=owner, day=day, occurred_at=moment)
    Rating.objects.create(entry=entry, metric=mood_metric(owner), value=value)


def test_stopping_early_then_unblinding_shows_the_verdict(owner_client, owner):
    today = owner.profile.local_day()
    start = today - dt.timedelta(days=27)
    experiment = make_experiment(owner, weeks=4, start_date=start)
    for week, envelope in enumerate(experiment.envelopes.order_by("pk")):
        day = start + dt.timedelta(days=7 * week)
        Envelope.objects.filter(pk=envelope.pk).update(
            day=day,
            opened_at=timezone.now() - dt.timedelta(days=27 - 7 * week),
        )
        for offset in range(7):
            _rate(owner, day + dt.timedelta(days=offset), 8 if envelope.active else 5)
    owner_client.post(f"/experiments/{experiment.pk}/stop/", {"reason": "moving"})
    owner_client.post(f"/experiments/{experiment.pk}/unblind/")
    experiment.refresh_from_db()
    assert experiment.status == "stopped" and experiment.unblinded_at is not None
    html = owner_client.get(f"/experiments/{experiment.pk}/").content.decode()
    words = re.search(r'<p class="verdict-words"><strong>(.+?)</strong>', html)[1]
    assert words.startswith("Mood on active weeks was 3.0 higher than on placebo")
    assert "no clear difference. With 4 weeks no difference" in words
    assert "Stopped early: “moving”" in html
    assert html.count("<td>Active</td>") == 2 and html.count("<td>Placebo</td>") == 2


def test_deleting_an_experiment_keeps_the_capsules_taken(owner_client, owner):
    experiment = make_experiment(owner)
    scan(owner_client, experiment.envelopes.first().token)
    response = owner_client.post(f"/experiments/{experiment.pk}/delete/")
    assert response["Location"] == "/experiments/"
    assert not Experiment.objects.exists() and not Envelope.objects.exists()
    assert DoseLog.objects.filter(blinded=True).count() == 1


def test_only_one_experiment_runs_at_a_time(owner_client, owner):
    make_experiment(owner)
    second = make_experiment(owner, start=False)
    owner_client.post(f"/experiments/{second.pk}/start/")
    second.refresh_from_db()
    assert second.status == "planned"


def test_the_primary_metric_cannot_be_deleted_under_an_experiment(owner_client, owner):
    make_experiment(owner)
    metric = mood_metric(owner)
    response = owner_client.post(f"/settings/metrics/{metric.pk}/delete/", follow=True)
    assert "primary outcome of an experiment" in response.content.decode()
    assert type(metric).objects.filter(pk=metric.pk).exists()


@pytest.mark.slow
def test_the_sheets_come_as_a_pdf_too(owner_client, owner):
    import io

    from pypdf import PdfReader

    experiment = make_experiment(owner, start=False, weeks=4)
    response = owner_client.get(f"/experiments/{experiment.pk}/sheets.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "How to do it alone" in text
    assert "Sheet 1 of 2: active envelopes" in text
    assert "Sheet 2 of 2: placebo envelopes" in text
    assert len(reader.pages) >= 3  # the instructions, then a page per sheet
    for envelope in experiment.envelopes.all():
        assert envelope.token not in text


def test_today_shows_the_experiments_step(owner_client, owner):
    # No experiment: no card at all.
    assert "experiment-today" not in owner_client.get("/").content.decode()
    weekday = owner.profile.local_day().weekday()
    experiment = make_experiment(owner, design="dose_days", weekdays=(weekday,))
    html = owner_client.get("/").content.decode()
    assert 'class="card experiment-today"' in html
    assert "A capsule day: open today's envelope" in html
    assert f'href="/experiments/{experiment.pk}/">Your experiment</a>' in html
    scan(owner_client, experiment.envelopes.first().token)
    html = owner_client.get("/").content.decode()
    assert "Which do you think today's capsule was?" in html
    assert "Took an experiment capsule at" in html  # the dose card, no content
    services.experiment_pause(experiment)
    assert "Your experiment is paused." in owner_client.get("/").content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's pipeline mode"
)
def test_todays_experiment_card_reads_its_experiment_with_the_check_in(
    owner_client, owner, sent_queries
):
    weekday = owner.profile.local_day().weekday()
    make_experiment(owner, design="dose_days", weekdays=(weekday,))
    owner_client.get("/")
    sent_queries.clear()
    html = owner_client.get("/").content.decode()
    assert "A capsule day: open today's envelope" in html
    # Read once, among the check-in's first reads (journal.checkin), not
    # while the page renders.
    experiment_reads = [
        inside for inside, sql in sent_queries if 'FROM "experiments_experiment"' in sql
    ]
    assert experiment_reads == [True]


def test_an_open_experiment_shows_its_weeks_and_its_result_only_at_the_end(
    owner_client, owner
):
    start = owner.profile.local_day() - dt.timedelta(days=13)
    experiment = make_experiment(owner, design="open_weeks", weeks=4, start_date=start)
    html = owner_client.get(f"/experiments/{experiment.pk}/").content.decode()
    assert "This week is an <strong>" in html  # open: the person knows
    assert "The result" not in html  # no peeking at a verdict along the way
    # Not blinded: no codes to scan, no sheets.
    token = experiment.envelopes.first().token
    assert owner_client.get(f"/experiments/e/{token}/").status_code == 404
    sheets = owner_client.get(f"/experiments/{experiment.pk}/sheets/")
    assert sheets["Location"] == f"/experiments/{experiment.pk}/"
    services.experiment_stop(experiment, "")
    owner_client.post(f"/experiments/{experiment.pk}/unblind/")
    html = owner_client.get(f"/experiments/{experiment.pk}/").content.decode()
    assert "verdict-words" in html and "an open experiment" in html


def test_questionnaires_are_asked_for_at_an_experiments_start(owner_client, owner):
    from tests.factories import make_response

    make_experiment(owner)
    html = owner_client.get("/").content.decode()
    assert "Questionnaires are due: a baseline for your experiment" in html
    make_response(owner, "who5")
    html = owner_client.get("/").content.decode()
    assert "a baseline for your experiment" not in html


@pytest.mark.parametrize("design", ["weekly", "dose_days", "open_weeks"])
def test_todays_envelope_is_the_same_chosen_among_todays_reads(
    owner, other_user, design
):
    """Today's card chooses the day's envelope among those read with its
    other reads (queries.today_envelopes); the choice is the one
    current_envelope() reads from the database, day after day, with another
    person's envelopes opened on the same days and two opened on one day."""
    from experiments import queries

    start = owner.profile.local_day() - dt.timedelta(days=20)
    experiment = make_experiment(owner, design=design, weeks=6, start_date=start)
    theirs = make_experiment(other_user, design=design, weeks=6, start_date=start)
    opened = [0, 1, 1, 9, 17, 30]  # days after the start; two on day 1
    for envelopes in (experiment.envelopes, theirs.envelopes):
        for envelope, offset in zip(envelopes.order_by("id"), opened, strict=False):
            Envelope.objects.filter(pk=envelope.pk).update(
                day=start + dt.timedelta(days=offset)
            )
    chosen = 0
    for offset in range(-3, 50):
        day = start + dt.timedelta(days=offset)
        candidates = queries.today_envelopes(owner, day)
        assert all(e.experiment_id == experiment.pk for e in candidates)
        expected = services.current_envelope(experiment, day)
        got = services.current_envelope(experiment, day, candidates)
        assert got == expected, day
        assert got is None or got.experiment is experiment
        chosen += got is not None
    assert chosen > 0
    # A stopped experiment's envelopes are not read for Today.
    services.experiment_stop(experiment, "")
    assert queries.today_envelopes(owner, start + dt.timedelta(days=1)) == []


def test_a_weekday_sent_twice_gives_it_one_envelope_a_week(owner):
    from protocols.models import Substance

    experiment = services.experiment_create(
        user=owner,
        substance=Substance.objects.filter(user=owner).first(),
        amount=Decimal("100"),
        primary_metric=mood_metric(owner),
        design="dose_days",
        weeks=4,
        weekdays=[0, 0, 3],  # a hand-made form's repeat
        start_date=owner.profile.local_day(),
    )
    assert experiment.weekdays == [0, 3]
    assert experiment.envelopes.count() == 8  # four weeks of two dose days


def test_a_design_naming_a_weekday_twice_plans_it_once(owner_client, screened):
    data = design_data(
        screened, design="dose_days", weeks="4", weekdays=["0", "0", "0", "3"]
    )
    response = owner_client.post("/experiments/new/", data)
    assert response.status_code == 302  # two days a week, not four
    experiment = Experiment.objects.get(user=screened)
    assert experiment.weekdays == [0, 3] and experiment.envelopes.count() == 8
