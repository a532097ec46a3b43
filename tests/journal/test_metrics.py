from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from journal import services
from journal.models import Metric, Rating
from tests.edits import check_saved_elsewhere_is_kept, seen_on_page
from tests.factories import make_entry, make_metric

pytestmark = pytest.mark.django_db


def names(user) -> list[str]:
    return list(Metric.objects.filter(user=user).values_list("name", flat=True))


def test_defaults_are_one_to_ten_with_labelled_ends(owner, metrics):
    assert names(owner) == ["Mood", "Anxiety", "Energy", "Focus", "Sleep quality"]
    for metric in metrics.values():
        assert (metric.scale_min, metric.scale_max) == (1, 10)
        assert metric.low_label and metric.high_label
    assert [m.key for m in metrics.values() if m.lower_is_better] == ["anxiety"]


def test_the_metrics_page_lists_them(owner_client):
    html = owner_client.get("/settings/metrics/").content.decode()
    assert html.index("Mood") < html.index("Anxiety") < html.index("Sleep quality")


def test_adding_a_metric(owner_client, owner):
    response = owner_client.post(
        "/settings/metrics/",
        {
            "name": "Irritability",
            "scale_min": "0",
            "scale_max": "5",
            "low_label": "None",
            "high_label": "Very",
            "lower_is_better": "on",
        },
    )
    assert response.status_code == 302
    metric = Metric.objects.get(user=owner, name="Irritability")
    assert (metric.scale_min, metric.scale_max, metric.lower_is_better) == (0, 5, True)
    assert names(owner)[-1] == "Irritability"
    assert b"Irritability" in owner_client.get("/").content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "X", "scale_min": "0", "scale_max": "101"},
            "less than or equal to 100",
        ),
        ({"name": "X", "scale_min": "5", "scale_max": "5"}, "must be above the lowest"),
        (
            {"name": "X", "scale_min": "-1", "scale_max": "5"},
            "greater than or equal to 0",
        ),
        ({"name": "mood", "scale_min": "1", "scale_max": "5"}, "already have a metric"),
        ({"name": "", "scale_min": "1", "scale_max": "5"}, "This field is required"),
        (
            {"name": "\u200b\u2060", "scale_min": "1", "scale_max": "5"},
            "Write a name: this one has only invisible characters.",
        ),
        (  # a zero-width space pasted after it hid the name's clash
            {"name": "Mood\u200b", "scale_min": "1", "scale_max": "5"},
            "already have a metric",
        ),
        ({}, "This field is required"),
    ],
)
def test_bad_metrics_are_refused(owner_client, owner, data, message):
    response = owner_client.post("/settings/metrics/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Metric.objects.filter(user=owner).count() == 5


def test_a_name_taken_while_the_form_was_sent_is_refused_not_a_500(
    owner_client, owner, monkeypatch
):
    # The same form sent twice at once: the other request adds the metric
    # after this one's form was checked and before it is written.
    create = services.metric_create

    def other_request_first(**kwargs):
        make_metric(owner, name="Creativity")
        return create(**kwargs)

    monkeypatch.setattr(services, "metric_create", other_request_first)
    response = owner_client.post(
        "/settings/metrics/",
        {"name": "Creativity", "scale_min": "1", "scale_max": "10"},
    )
    assert response.status_code == 422
    assert "You already have a metric with this name." in response.content.decode()
    assert names(owner).count("Creativity") == 1


def test_a_name_taken_between_the_check_and_the_write_is_a_validation_error(
    owner, monkeypatch
):
    monkeypatch.setattr(Metric, "full_clean", lambda self, *a, **k: None)
    make_metric(owner, name="Creativity")
    with pytest.raises(ValidationError) as refused:
        services.metric_create(user=owner, name="creativity", scale_min=1, scale_max=10)
    assert refused.value.message_dict == {
        "name": ["You already have a metric with this name."]
    }
    assert names(owner).count("Creativity") == 1  # the connection still usable


def test_the_same_name_is_fine_for_another_user(owner_client, owner, other_user):
    make_metric(other_user, name="Creativity")
    owner_client.post(
        "/settings/metrics/",
        {"name": "Creativity", "scale_min": "1", "scale_max": "10"},
    )
    assert Metric.objects.filter(user=owner, name="Creativity").exists()


def test_renaming_keeps_the_key_and_the_ratings(owner_client, owner, metrics):
    make_entry(owner, mood=6)
    mood = metrics["mood"]
    response = owner_client.post(
        f"/settings/metrics/{mood.pk}/",
        {"name": "Overall mood", "scale_min": "1", "scale_max": "10"},
    )
    assert response.status_code == 302
    mood.refresh_from_db()
    assert (mood.name, mood.key, mood.ratings.count()) == ("Overall mood", "mood", 1)


def test_a_metric_saved_elsewhere_since_its_page_opened_is_not_overwritten(
    owner_client, owner, metrics
):
    mood = metrics["mood"]
    url = f"/settings/metrics/{mood.pk}/"
    data = {"scale_min": "1", "scale_max": "10"}
    check_saved_elsewhere_is_kept(owner_client, url, data, mood, "name", "metric")
    # A refused edit's page names the metric as it is saved, not as typed.
    refused = owner_client.post(url, {**data, "name": "Outlook", "scale_max": "900"})
    assert refused.status_code == 422
    assert "<h1>Edit sent twice</h1>" in refused.content.decode()
    # Moving it saves no change of it: a page opened before still saves.
    seen = seen_on_page(owner_client, url)
    owner_client.post(f"/settings/metrics/{mood.pk}/move/", {"direction": "down"})
    sent = owner_client.post(url, {**data, "name": "Mood", "seen": seen})
    assert sent.status_code == 302


def test_a_scale_that_would_strand_ratings_is_refused(owner_client, owner, metrics):
    make_entry(owner, mood=9)
    response = owner_client.post(
        f"/settings/metrics/{metrics['mood'].pk}/",
        {"name": "Mood", "scale_min": "1", "scale_max": "5"},
    )
    assert response.status_code == 422
    assert b"Existing ratings run from 9 to 9" in response.content


def test_reordering(owner_client, owner, metrics):
    owner_client.post(
        f"/settings/metrics/{metrics['focus'].pk}/move/", {"direction": "up"}
    )
    assert names(owner)[2:4] == ["Focus", "Energy"]
    owner_client.post(
        f"/settings/metrics/{metrics['mood'].pk}/move/", {"direction": "up"}
    )
    assert names(owner)[0] == "Mood"
    response = owner_client.post(
        f"/settings/metrics/{metrics['mood'].pk}/move/", {"direction": "sideways"}
    )
    assert response.status_code == 400


def test_hiding_keeps_the_data_and_leaves_the_check_in(owner_client, owner, metrics):
    make_entry(owner, mood=6)
    owner_client.post(
        f"/settings/metrics/{metrics['mood'].pk}/visibility/", {"hidden": "true"}
    )
    metrics["mood"].refresh_from_db()
    assert metrics["mood"].hidden
    assert Rating.objects.filter(metric=metrics["mood"]).count() == 1
    assert b"<legend>Mood</legend>" not in owner_client.get("/").content
    assert b"Mood <strong>6</strong>" in owner_client.get("/journal/").content
    owner_client.post(
        f"/settings/metrics/{metrics['mood'].pk}/visibility/", {"hidden": "false"}
    )
    assert b"<legend>Mood</legend>" in owner_client.get("/").content


def test_deleting_says_how_many_ratings_go_and_asks_first(owner_client, owner, metrics):
    for value in (3, 4, 5):
        make_entry(owner, mood=value)
    page = owner_client.get(f"/settings/metrics/{metrics['mood'].pk}/delete/")
    assert b"3 ratings" in page.content
    assert Rating.objects.filter(metric=metrics["mood"]).count() == 3
    response = owner_client.post(f"/settings/metrics/{metrics['mood'].pk}/delete/")
    assert response.status_code == 302
    assert not Metric.objects.filter(pk=metrics["mood"].pk).exists()
    assert not Rating.objects.filter(metric_id=metrics["mood"].pk).exists()
    assert names(owner) == ["Anxiety", "Energy", "Focus", "Sleep quality"]
    assert list(
        Metric.objects.filter(user=owner).values_list("position", flat=True)
    ) == [0, 1, 2, 3]


def test_another_users_metric_cannot_be_touched(other_client, owner, metrics):
    mood = metrics["mood"]
    assert other_client.post(f"/settings/metrics/{mood.pk}/delete/").status_code == 404
    assert (
        other_client.post(
            f"/settings/metrics/{mood.pk}/visibility/", {"hidden": "true"}
        ).status_code
        == 404
    )
    mood.refresh_from_db()
    assert not mood.hidden


@pytest.mark.parametrize("data", [{}, {"hidden": "yes"}, {"hidden": ""}])
def test_a_visibility_without_a_state_is_refused_and_changes_nothing(
    owner_client, metrics, data
):
    mood = metrics["mood"]
    response = owner_client.post(f"/settings/metrics/{mood.pk}/visibility/", data)
    assert response.status_code == 400
    mood.refresh_from_db()
    assert not mood.hidden
