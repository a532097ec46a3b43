from __future__ import annotations

import datetime as dt
import uuid
from html import unescape

import pytest

from journal import prompt_library, services
from journal.builtin_prompts import sync_builtin_prompts
from journal.models import Entry, Prompt, PromptShown, PromptSwitchedOff
from journal.prompts import phase_for_day, pool, prompt_for_day, swap_prompt
from protocols import queries as protocol_queries
from tests.edits import check_saved_elsewhere_is_kept
from tests.factories import make_dose, make_prompt, make_protocol
from tests.markup import input_value, start_tags

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 10)


def test_the_library_has_at_least_80_prompts_tagged_with_phases_and_kinds():
    assert len(prompt_library.PROMPTS) >= 80
    keys = [key for key, *_ in prompt_library.PROMPTS]
    assert len(set(keys)) == len(keys)
    for _, text, phases, kind in prompt_library.PROMPTS:
        assert text.strip() and phases
        assert set(phases) <= set(prompt_library.PHASES)
        assert kind in prompt_library.KINDS
    for phase in prompt_library.PHASES:
        assert sum(phase in p[2] for p in prompt_library.PROMPTS) >= 10, phase


def test_the_migration_loaded_them_without_an_owner():
    assert Prompt.objects.filter(owner=None, active=True).count() == len(
        prompt_library.PROMPTS
    )


def test_updating_the_library_never_touches_users_prompts_or_choices(
    owner, monkeypatch
):
    own = make_prompt(owner, text="Mine")
    builtin = Prompt.objects.get(key="week-highlight")
    PromptSwitchedOff.objects.create(user=owner, prompt=builtin)
    changed = [
        (k, ("Reworded: " + t) if k == "week-highlight" else t, ph, kd)
        for k, t, ph, kd in prompt_library.PROMPTS
        if k != "week-surprise"
    ] + [("new-one", "A brand new prompt?", ("off_day",), "journaling")]
    monkeypatch.setattr(prompt_library, "PROMPTS", changed)
    sync_builtin_prompts(Prompt)
    builtin.refresh_from_db()
    assert builtin.text.startswith("Reworded: ")
    assert PromptSwitchedOff.objects.filter(user=owner, prompt=builtin).exists()
    own.refresh_from_db()
    assert own.text == "Mine" and own.active
    assert not Prompt.objects.get(key="week-surprise").active  # retired, kept
    assert Prompt.objects.filter(key="new-one", owner=None).exists()


def test_loading_the_library_again_changes_nothing_in_a_few_queries(
    django_assert_max_num_queries,
):
    before = list(Prompt.objects.filter(owner=None).values())
    with django_assert_max_num_queries(6):
        assert sync_builtin_prompts(Prompt) == len(prompt_library.PROMPTS)
    assert list(Prompt.objects.filter(owner=None).values()) == before


def test_an_emptied_library_comes_back_and_a_retired_prompt_returning_is_active(
    django_assert_max_num_queries,
):
    Prompt.objects.filter(owner=None).exclude(key="week-highlight").delete()
    Prompt.objects.filter(key="week-highlight").update(active=False, text="Old")
    with django_assert_max_num_queries(6):
        sync_builtin_prompts(Prompt)
    loaded = {p.key: p for p in Prompt.objects.filter(owner=None)}
    assert set(loaded) == {key for key, *_ in prompt_library.PROMPTS}
    assert all(p.active for p in loaded.values())
    for key, text, phases, kind in prompt_library.PROMPTS:
        assert (loaded[key].text, loaded[key].phase_list, loaded[key].kind) == (
            text,
            list(phases),
            kind,
        )


# --- Phase -------------------------------------------------------------------------


def test_phases_follow_the_dose_log(owner):
    make_dose(owner, day=DAY)
    assert phase_for_day(owner, DAY, None) == "dose_day"
    assert phase_for_day(owner, DAY + dt.timedelta(days=1), None) == "after_1"
    assert phase_for_day(owner, DAY + dt.timedelta(days=2), None) == "after_2"
    assert phase_for_day(owner, DAY + dt.timedelta(days=4), None) == "off_day"
    assert phase_for_day(owner, DAY + dt.timedelta(days=9), None) == "break"
    assert phase_for_day(owner, DAY - dt.timedelta(days=1), None) == "baseline"


def test_a_planned_day_is_a_dose_day_before_anything_is_logged(owner):
    protocol = make_protocol(owner, start_date=DAY)
    assert phase_for_day(owner, DAY, protocol) == "dose_day"
    assert phase_for_day(owner, DAY - dt.timedelta(days=3), protocol) == "baseline"


def test_a_skipped_planned_dose_is_not_a_dose_day(owner):
    protocol = make_protocol(owner, start_date=DAY)
    make_dose(owner, day=DAY, skipped=True)
    assert phase_for_day(owner, DAY, protocol) != "dose_day"


def test_a_protocol_break_is_a_break(owner):
    protocol = make_protocol(
        owner, kind="every_other_day", start_date=DAY, on_weeks=1, break_weeks=1
    )
    assert phase_for_day(owner, DAY + dt.timedelta(days=9), protocol) == "break"


def test_todays_one_read_of_the_last_dose_gives_the_same_phases(owner, other_user):
    """Today reads the last dose before the day with the active protocol
    (protocols.queries.protocol_in_effect); the phase is the one read apart."""
    make_protocol(owner, start_date=DAY - dt.timedelta(days=30))
    make_dose(owner, day=DAY - dt.timedelta(days=5))
    make_dose(owner, day=DAY - dt.timedelta(days=2))
    make_dose(owner, day=DAY - dt.timedelta(days=1), skipped=True)
    make_dose(other_user, day=DAY - dt.timedelta(days=1))  # another person's
    for back in range(-1, 12):
        day = DAY - dt.timedelta(days=back)
        protocol = protocol_queries.protocol_in_effect(owner, day)
        assert protocol.last_dose_before == protocol_queries.last_dose_before(
            owner, day
        )
        doses = protocol_queries.day_doses(owner, day)
        assert phase_for_day(
            owner, day, protocol, doses, protocol.last_dose_before
        ) == phase_for_day(owner, day, protocol, doses)
    assert protocol_queries.protocol_in_effect(owner, DAY).last_dose_before == (
        DAY - dt.timedelta(days=2)
    )
    assert protocol_queries.protocol_in_effect(other_user, DAY) is None


def test_each_phase_has_its_own_pool(owner):
    for phase in prompt_library.PHASES:
        ids = pool(owner, phase)
        assert ids
        for prompt in Prompt.objects.filter(pk__in=ids):
            assert phase in prompt.phase_list


def test_switched_off_and_inactive_prompts_leave_the_pool(owner, other_user):
    first = pool(owner, "off_day")[0]
    PromptSwitchedOff.objects.create(user=owner, prompt_id=first)
    assert first not in pool(owner, "off_day")
    assert first in pool(other_user, "off_day")
    mine = make_prompt(owner)
    assert mine.pk in pool(owner, "off_day")
    assert mine.pk not in pool(other_user, "off_day")


# --- Rotation ---------------------------------------------------------------------


def test_the_same_day_gives_the_same_prompt(owner):
    first, phase = prompt_for_day(owner, DAY, None)
    again, _ = prompt_for_day(owner, DAY, None)
    assert first == again and phase == "baseline"


def test_no_repeats_until_the_pool_is_used_up(owner):
    size = len(pool(owner, "baseline"))
    shown = [
        prompt_for_day(owner, DAY + dt.timedelta(days=i), None)[0].pk
        for i in range(size)
    ]
    assert len(set(shown)) == size
    next_turn = [
        prompt_for_day(owner, DAY + dt.timedelta(days=size + i), None)[0].pk
        for i in range(size)
    ]
    assert set(next_turn) == set(shown)


def test_the_choice_is_deterministic_for_a_user_and_day(owner, other_user):
    mine, _ = prompt_for_day(owner, DAY, None)
    PromptShown.objects.filter(user=owner).delete()
    assert prompt_for_day(owner, DAY, None)[0] == mine


def test_another_prompt_swaps_it_for_the_rest_of_the_day(owner):
    first, _ = prompt_for_day(owner, DAY, None)
    swapped = swap_prompt(owner, DAY, None)
    assert swapped != first
    assert prompt_for_day(owner, DAY, None)[0] == swapped
    assert swapped.pk in pool(owner, "baseline")


def test_another_prompt_goes_through_the_whole_pool_before_repeating(owner):
    everything = set(pool(owner, "baseline"))
    seen = [prompt_for_day(owner, DAY, None)[0].pk]
    for _ in range(len(everything) - 1):
        seen.append(swap_prompt(owner, DAY, None).pk)
    assert set(seen) == everything and len(seen) == len(everything)
    assert swap_prompt(owner, DAY, None).pk in everything  # then round again


def test_a_dose_logged_after_the_first_visit_changes_the_prompts_phase(owner):
    first, phase = prompt_for_day(owner, DAY, None)
    assert phase == "baseline"
    make_dose(owner, day=DAY)
    prompt, phase = prompt_for_day(owner, DAY, None)
    assert phase == "dose_day" and prompt.pk in pool(owner, "dose_day")
    assert PromptShown.objects.get(user=owner, day=DAY).phase == "dose_day"


# --- Today ------------------------------------------------------------------------


def test_today_shows_the_prompt_and_saves_the_answer(owner_client, owner):
    html = owner_client.get("/").content.decode()
    shown = PromptShown.objects.get(user=owner)
    # Django writes ' as &#x27;, Jinja2 as &#39;: read the page as a browser does.
    assert shown.prompt.text in unescape(html)
    owner_client.post(
        "/entries/new/",
        {
            "token": str(uuid.uuid4()),
            "prompt": shown.prompt_id,
            "prompt_answer": "An answer",
        },
    )
    entry = Entry.objects.get(user=owner)
    assert (entry.prompt_id, entry.prompt_text, entry.prompt_answer) == (
        shown.prompt_id,
        shown.prompt.text,
        "An answer",
    )
    journal = owner_client.get("/journal/").content.decode()
    assert "An answer" in journal
    assert "An answer" in owner_client.get("/journal/?q=answer").content.decode()


def test_an_unanswered_prompt_is_not_kept(owner_client, owner):
    owner_client.get("/")
    shown = PromptShown.objects.get(user=owner)
    owner_client.post(
        "/entries/new/",
        {"token": str(uuid.uuid4()), "prompt": shown.prompt_id, "note": "n"},
    )
    entry = Entry.objects.get(user=owner)
    assert entry.prompt is None and entry.prompt_text == ""


def test_another_users_prompt_id_is_refused(owner_client, owner, other_user):
    theirs = make_prompt(other_user, text="Their private prompt")
    response = owner_client.post(
        "/entries/new/",
        {"token": str(uuid.uuid4()), "prompt": theirs.pk, "prompt_answer": "x"},
    )
    assert response.status_code == 422
    assert not Entry.objects.exists()


def test_the_swap_button_replaces_the_prompt_through_htmx(owner_client, owner):
    owner_client.get("/")
    before = PromptShown.objects.get(user=owner).prompt_id
    response = owner_client.post("/prompts/swap/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    after = PromptShown.objects.get(user=owner).prompt_id
    assert after != before
    assert 'id="prompt-block"' in response.content.decode()
    assert owner_client.post("/prompts/swap/").status_code == 302


def test_dose_days_link_to_the_guided_practice(owner_client, owner):
    make_protocol(owner, start_date=owner.profile.local_day())
    html = owner_client.get("/").content.decode()
    assert 'href="/practice/"' in html
    assert owner_client.get("/practice/").status_code == 200


# --- Managing prompts ---------------------------------------------------------------


def test_users_add_edit_and_switch_off_their_own_prompts(owner_client, owner):
    response = owner_client.post(
        "/settings/prompts/",
        {
            "text": "What felt light today?",
            "kind": "gratitude",
            "phase_choices": ["dose_day", "after_1"],
        },
    )
    assert response.status_code == 302
    prompt = Prompt.objects.get(owner=owner)
    assert prompt.phase_list == ["dose_day", "after_1"]
    owner_client.post(
        f"/settings/prompts/{prompt.pk}/",
        {
            "text": "What felt lighter?",
            "kind": "gratitude",
            "phase_choices": ["off_day"],
        },
    )
    prompt.refresh_from_db()
    assert (prompt.text, prompt.phase_list) == ("What felt lighter?", ["off_day"])
    owner_client.post(f"/settings/prompts/{prompt.pk}/switch/", {"on": "false"})
    prompt.refresh_from_db()
    assert not prompt.active and prompt.pk not in pool(owner, "off_day")


def test_a_new_prompt_sent_twice_is_added_once(owner_client, owner):
    token = input_value(
        owner_client.get("/settings/prompts/").content.decode(), "token"
    )
    data = {
        "text": "What felt light?",
        "kind": "gratitude",
        "phase_choices": ["off_day"],
    }
    for _ in range(2):  # a double tap
        response = owner_client.post("/settings/prompts/", {**data, "token": token})
        assert response.status_code == 302
    assert list(Prompt.objects.filter(owner=owner).values_list("text", flat=True)) == [
        "What felt light?"
    ]
    # The page after it offers a new token: the same words again are a new prompt.
    again = input_value(
        owner_client.get("/settings/prompts/").content.decode(), "token"
    )
    assert again != token
    owner_client.post("/settings/prompts/", {**data, "token": again})
    assert Prompt.objects.filter(owner=owner).count() == 2


def test_a_refused_prompt_keeps_its_token_for_the_next_send(owner_client, owner):
    token = str(uuid.uuid4())
    data = {
        "text": "",
        "kind": "gratitude",
        "phase_choices": ["off_day"],
        "token": token,
    }
    response = owner_client.post("/settings/prompts/", data)
    assert response.status_code == 422
    assert input_value(response.content.decode(), "token") == token
    assert not Prompt.objects.filter(owner=owner).exists()


def test_the_same_prompt_sent_at_the_same_moment_is_added_once(owner, monkeypatch):
    # The other request writes its prompt after this one looked for the token
    # and before it writes its own.
    token = uuid.uuid4()
    check = Prompt.full_clean

    def other_request_first(self, *args, **kwargs):
        check(self, *args, **kwargs)
        if not Prompt.objects.filter(client_token=token).exists():
            Prompt.objects.create(
                owner=owner,
                text="Sent first",
                kind="gratitude",
                phases=",off_day,",
                client_token=token,
            )

    monkeypatch.setattr(Prompt, "full_clean", other_request_first)
    new = Prompt(owner=owner, client_token=token)
    prompt = services.prompt_save(
        prompt=new, text="Sent second", kind="gratitude", phases=["off_day"]
    )
    assert prompt.text == "Sent first"
    assert list(Prompt.objects.filter(owner=owner).values_list("text", flat=True)) == [
        "Sent first"
    ]


def test_another_persons_token_adds_a_prompt_of_ones_own(owner, other_user):
    token = uuid.uuid4()
    theirs = Prompt(owner=other_user, client_token=token)
    services.prompt_save(
        prompt=theirs, text="Theirs", kind="gratitude", phases=["off_day"]
    )
    mine = services.prompt_save(
        prompt=Prompt(owner=owner, client_token=token),
        text="Mine",
        kind="gratitude",
        phases=["off_day"],
    )
    assert (mine.owner, mine.text) == (owner, "Mine")
    assert Prompt.objects.get(owner=other_user).text == "Theirs"


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "kind": "gratitude", "phase_choices": ["off_day"]},
        {"text": "Fine", "kind": "gratitude"},
        {"text": "Fine", "kind": "gossip", "phase_choices": ["off_day"]},
        {"text": "Fine", "kind": "gratitude", "phase_choices": ["sometimes"]},
        {"text": "x" * 501, "kind": "gratitude", "phase_choices": ["off_day"]},
    ],
)
def test_bad_prompts_are_refused(owner_client, owner, data):
    assert owner_client.post("/settings/prompts/", data).status_code == 422
    assert not Prompt.objects.filter(owner=owner).exists()


def test_built_ins_are_switched_off_for_one_user_only(owner_client, owner, other_user):
    builtin = Prompt.objects.filter(owner=None).first()
    owner_client.post(f"/settings/prompts/{builtin.pk}/switch/", {"on": "false"})
    assert PromptSwitchedOff.objects.filter(user=owner, prompt=builtin).exists()
    assert not PromptSwitchedOff.objects.filter(user=other_user).exists()
    builtin.refresh_from_db()
    assert builtin.active
    owner_client.post(f"/settings/prompts/{builtin.pk}/switch/", {"on": "true"})
    assert not PromptSwitchedOff.objects.filter(user=owner).exists()


@pytest.mark.parametrize("own", [True, False])
def test_a_switch_tapped_twice_does_what_one_tap_does(owner_client, owner, own):
    prompt = make_prompt(owner) if own else Prompt.objects.filter(owner=None).first()

    def is_on():
        if own:
            prompt.refresh_from_db()
            return prompt.active
        return not PromptSwitchedOff.objects.filter(user=owner, prompt=prompt).exists()

    for on in ("false", "true"):
        for _ in range(2):  # a double tap
            response = owner_client.post(
                f"/settings/prompts/{prompt.pk}/switch/", {"on": on}
            )
            assert response.status_code == 302
        assert is_on() is (on == "true")


def test_each_switch_asks_for_the_state_its_prompt_is_not_in(owner_client, owner):
    own_on, own_off = make_prompt(owner, text="On"), make_prompt(owner, text="Off")
    owner_client.post(f"/settings/prompts/{own_off.pk}/switch/", {"on": "false"})
    builtin_off = Prompt.objects.filter(owner=None).first()
    owner_client.post(f"/settings/prompts/{builtin_off.pk}/switch/", {"on": "false"})
    asks, action = {}, None
    for tag, attrs in start_tags(
        owner_client.get("/settings/prompts/").content.decode()
    ):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action")
        elif tag == "button" and attrs.get("name") == "on":
            asks[action] = attrs["value"]
    switch = "/settings/prompts/{}/switch/".format
    assert asks[switch(own_on.pk)] == "false"
    assert asks[switch(own_off.pk)] == "true"
    assert asks[switch(builtin_off.pk)] == "true"
    others = Prompt.objects.filter(owner=None, active=True).exclude(pk=builtin_off.pk)
    assert {asks[switch(prompt.pk)] for prompt in others} == {"false"}


@pytest.mark.parametrize("data", [{}, {"on": "maybe"}, {"on": ""}])
def test_a_switch_without_a_state_is_refused_and_changes_nothing(
    owner_client, owner, data
):
    prompt = make_prompt(owner)
    response = owner_client.post(f"/settings/prompts/{prompt.pk}/switch/", data)
    assert response.status_code == 400
    prompt.refresh_from_db()
    assert prompt.active


def test_another_persons_prompt_cannot_be_switched(owner_client, other_user):
    theirs = make_prompt(other_user)
    response = owner_client.post(
        f"/settings/prompts/{theirs.pk}/switch/", {"on": "false"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.active


def test_built_in_prompts_cannot_be_edited(owner_client):
    builtin = Prompt.objects.filter(owner=None).first()
    assert owner_client.get(f"/settings/prompts/{builtin.pk}/").status_code == 404


def test_a_blinded_capsule_day_asks_about_expectation(owner):
    from experiments import services
    from tests.factories import make_experiment

    experiment = make_experiment(owner, design="dose_days")
    services.envelope_open(
        user=owner, profile=owner.profile, token=experiment.envelopes.first().token
    )
    today = owner.profile.local_day()
    assert phase_for_day(owner, today, None) == "experiment_day"
    prompt, phase = prompt_for_day(owner, today, None)
    assert phase == "experiment_day" and "experiment_day" in prompt.phase_list


def test_a_refused_edit_of_ones_own_prompt_changes_nothing(owner_client, owner):
    prompt = make_prompt(owner, text="Before")
    response = owner_client.post(
        f"/settings/prompts/{prompt.pk}/",
        {"text": "  ", "kind": "gratitude", "phase_choices": ["off_day"]},
    )
    assert response.status_code == 422
    assert "Write the prompt." in response.content.decode()
    prompt.refresh_from_db()
    assert prompt.text == "Before"


def test_a_prompt_saved_elsewhere_since_its_page_opened_is_not_overwritten(
    owner_client, owner
):
    prompt = make_prompt(owner, text="Before")
    url = f"/settings/prompts/{prompt.pk}/"
    data = {"kind": "reflection", "phase_choices": ["off_day"]}
    check_saved_elsewhere_is_kept(owner_client, url, data, prompt, "text", "prompt")


def test_another_persons_prompt_cannot_be_edited(owner_client, other_user):
    theirs = make_prompt(other_user, text="Theirs")
    data = {"text": "Mine now", "kind": "gratitude", "phase_choices": ["off_day"]}
    assert owner_client.get(f"/settings/prompts/{theirs.pk}/").status_code == 404
    assert owner_client.post(f"/settings/prompts/{theirs.pk}/", data).status_code == 404
    theirs.refresh_from_db()
    assert theirs.text == "Theirs"
