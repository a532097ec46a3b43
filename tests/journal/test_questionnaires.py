"""WHO-5, PHQ-9 and GAD-7: scoring, the one-question-a-screen flow, the
result with its source, crisis resources on PHQ-9 item 9, and when they are due."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from journal.models import QuestionnaireResponse
from journal.questionnaire_queries import due
from journal.questionnaires import GAD7, PHQ9, WHO5, change_words
from tests.factories import begin_next_protocol, make_protocol, make_response

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("answer", "score", "band"),
    [(5, 100, "no sign of poor wellbeing"), (3, 60, "no sign of poor wellbeing")],
)
def test_who5_is_the_raw_total_times_four(answer, score, band):
    assert WHO5.score([answer] * 5) == score
    assert WHO5.band(score) == band


def test_who5_below_50_is_poor_wellbeing():
    assert WHO5.score([3, 3, 3, 2, 1]) == 48 and WHO5.band(48) == "poor wellbeing"
    assert WHO5.band(52) == "no sign of poor wellbeing"  # raw 13


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (15, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands(score, band):
    assert PHQ9.band(score) == band


@pytest.mark.parametrize(
    ("score", "band"), [(4, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")]
)
def test_gad7_bands(score, band):
    assert GAD7.band(score) == band
    assert GAD7.maximum == 21 and PHQ9.maximum == 27 and WHO5.maximum == 100


def test_answers_outside_the_scale_are_refused():
    with pytest.raises(ValueError):
        PHQ9.score([4] * 9)
    with pytest.raises(ValueError):
        GAD7.score([1] * 6)


def test_a_change_is_judged_against_the_meaningful_difference():
    assert change_words(PHQ9, 12, 9).startswith("−3: within the 5 points")
    assert change_words(PHQ9, 12, 6) == "−6: a meaningful change, better"
    assert change_words(WHO5, 60, 48) == "−12: a meaningful change, worse"


def take(client, key: str, answers: list[int], token: str | None = None):
    """Answer every item in turn, as the pages ask; returns the last response."""
    token = token or str(uuid.uuid4())
    data = {"token": token}
    response = None
    for step, answer in enumerate(answers):
        response = client.post(
            f"/questionnaires/{key}/",
            {**data, "step": step, "answer": answer, "action": "next"},
        )
        data[f"a{step}"] = answer
    return response


def test_one_question_a_screen_then_the_score_with_its_source(owner_client, owner):
    first = owner_client.get("/questionnaires/phq9/").content.decode()
    assert "Question 1 of 9" in first
    assert "Little interest or pleasure in doing things" in first
    assert "No permission required to reproduce" in first  # the attribution
    middle = owner_client.post(
        "/questionnaires/phq9/",
        {"token": str(uuid.uuid4()), "step": 0, "answer": 2, "action": "next"},
    ).content.decode()
    assert "Question 2 of 9" in middle and "Feeling down, depressed" in middle
    assert 'name="a0" value="2"' in middle
    response = take(owner_client, "phq9", [2, 2, 1, 1, 1, 1, 1, 1, 0])
    saved = QuestionnaireResponse.objects.get(user=owner)
    assert response["Location"] == f"/questionnaires/result/{saved.pk}/"
    assert (saved.score, saved.answers) == (10, [2, 2, 1, 1, 1, 1, 1, 1, 0])
    html = owner_client.get(response["Location"]).content.decode()
    assert "10 of 27: moderate" in html
    assert "Kroenke K et al., J Gen Intern Med 2001" in html
    assert 'class="card crisis"' not in html


def test_thoughts_of_self_harm_always_bring_crisis_resources(owner_client, owner):
    response = take(owner_client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    html = owner_client.get(response["Location"]).content.decode()
    assert 'class="card crisis"' in html
    assert "thoughts of being better off dead or of hurting yourself" in html
    assert "This note comes from your own answers on this server" in html
    # Every time the result is shown.
    again = owner_client.get(response["Location"]).content.decode()
    assert 'class="card crisis"' in again


def test_going_back_keeps_the_answers_given(owner_client):
    token = str(uuid.uuid4())
    html = owner_client.post(
        "/questionnaires/gad7/",
        {"token": token, "step": 2, "a0": 1, "a1": 3, "action": "back"},
    ).content.decode()
    assert "Question 2 of 7" in html
    checked = re.findall(
        r'<input type="radio" name="answer" value="(\d)"[^>]*checked', html
    )
    assert checked == ["3"]
    assert 'name="a0" value="1"' in html


def test_a_missing_answer_is_asked_again_and_nothing_is_saved(owner_client):
    response = owner_client.post(
        "/questionnaires/who5/",
        {"token": str(uuid.uuid4()), "step": 0, "action": "next"},
    )
    assert response.status_code == 422
    assert "Choose one answer." in response.content.decode()
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"step": "9"}, {"step": "-1"}, {"step": "x"}, {"step": ""}],
)
def test_a_step_outside_the_questionnaire_is_refused(owner_client, data):
    response = owner_client.post("/questionnaires/gad7/", data)
    assert response.status_code == 400
    assert not QuestionnaireResponse.objects.exists()


def test_a_tampered_earlier_answer_is_refused(owner_client):
    response = owner_client.post(
        "/questionnaires/gad7/",
        {"token": str(uuid.uuid4()), "step": 1, "a0": 7, "answer": 1, "action": "next"},
    )
    assert response.status_code == 422
    assert not QuestionnaireResponse.objects.exists()


def test_an_unknown_questionnaire_is_404(owner_client):
    assert owner_client.get("/questionnaires/bdi/").status_code == 404


def test_the_last_answer_sent_twice_saves_once(owner_client, owner):
    token = str(uuid.uuid4())
    take(owner_client, "gad7", [1] * 7, token)
    take(owner_client, "gad7", [1] * 7, token)
    assert QuestionnaireResponse.objects.filter(user=owner).count() == 1


def test_another_persons_result_is_404(owner_client, other_user):
    theirs = make_response(other_user)
    assert owner_client.get(f"/questionnaires/result/{theirs.pk}/").status_code == 404


def test_they_are_due_every_two_weeks_and_at_a_protocols_start(owner):
    today = owner.profile.local_day()
    assert [d.instrument.key for d in due(owner, today, None)] == [
        "who5",
        "phq9",
        "gad7",
    ]
    for key in ("who5", "phq9", "gad7"):
        make_response(owner, key, day=today - dt.timedelta(days=13))
    assert due(owner, today, None) == []
    later = due(owner, today + dt.timedelta(days=1), None)
    assert [d.reason for d in later] == ["last taken 14 days ago"] * 3
    protocol = make_protocol(owner, start_date=today + dt.timedelta(days=10))
    baseline = due(owner, today + dt.timedelta(days=10), protocol)
    assert {d.reason for d in baseline} == {"a baseline as your protocol starts"}


def test_today_says_when_one_is_due(owner_client, owner):
    html = owner_client.get("/").content.decode()
    assert "A 2-minute questionnaire is due: Wellbeing (WHO-5)" in html
    for key in ("who5", "phq9", "gad7"):
        make_response(owner, key)
    assert "questionnaire is due" not in owner_client.get("/").content.decode()


def test_today_and_the_questionnaires_agree_as_the_running_protocol_ends(
    owner_client, owner
):
    today = owner.profile.local_day()
    running = make_protocol(owner, start_date=today - dt.timedelta(days=60))
    for key in ("who5", "phq9", "gad7"):
        make_response(owner, key, day=today - dt.timedelta(days=3))
    # Another protocol begins tomorrow: the running one's last day is today.
    begin_next_protocol(owner, 1)
    running.refresh_from_db()
    assert running.end_date == today
    assert "A 2-minute questionnaire is due" in owner_client.get("/").content.decode()
    page = owner_client.get("/questionnaires/").content.decode()
    assert page.count("as your protocol ends") == 3


def test_the_check_in_still_says_so_after_a_save_through_htmx(owner_client):
    """The note is part of the check-in that a save swaps in again."""
    response = owner_client.post(
        "/entries/new/",
        {"token": str(uuid.uuid4()), "note": "saved"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'id="checkin"' in response.content.decode()
    assert "A 2-minute questionnaire is due: Wellbeing (WHO-5)" in (
        response.content.decode()
    )


def test_the_list_shows_each_history_with_its_changes(owner_client, owner):
    today = owner.profile.local_day()
    make_response(owner, "phq9", [2] * 9, day=today - dt.timedelta(days=14))
    make_response(owner, "phq9", [1] * 9, day=today)
    html = owner_client.get("/questionnaires/").content.decode()
    assert "<strong>9</strong> of 27 · mild" in html
    assert "(−9: a meaningful change, better)" in html


def test_answers_travel_through_export_and_import_and_are_rescored(owner):
    from portability.export import export_document
    from portability.importer import ImportProblem, import_document
    from tests.conftest import make_user

    make_response(owner, "gad7", [3, 2, 1, 0, 1, 2, 3])
    document = export_document(owner)
    [row] = document["questionnaires"]
    assert (row["instrument"], row["score"]) == ("gad7", 12)
    fresh = make_user("fresh")
    assert import_document(fresh, document).added["questionnaires"] == 1
    assert "questionnaires" not in import_document(fresh, document).added
    assert QuestionnaireResponse.objects.get(user=fresh).score == 12
    for bad in ({"answers": [9] * 7}, {"instrument": "bdi"}, {"answers": ["1"] * 7}):
        document["questionnaires"] = [
            {**row, **bad, "completed_at": "2026-01-02T10:00:00+00:00"}
        ]
        with pytest.raises(ImportProblem):
            import_document(fresh, document)
    assert QuestionnaireResponse.objects.filter(user=fresh).count() == 1
