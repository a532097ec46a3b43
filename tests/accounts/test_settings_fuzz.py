from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Profile, timezone_names

values = st.one_of(
    st.text(max_size=80),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(timezone_names()),
    st.sampled_from(["", " ", "4.5", "0x10", "23", "٣", "\x00", "Europe/Berlin\n"]),
)


@pytest.mark.django_db
@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(timezone=values, day_start_hour=values)
def test_any_input_is_saved_cleanly_or_refused_with_nothing_changed(
    owner_client, owner, timezone, day_start_hour
):
    before = Profile.objects.values("timezone", "day_start_hour").get(user=owner)
    response = owner_client.post(
        "/settings/",
        {"timezone": timezone, "day_start_hour": day_start_hour, "week_start": "0"},
    )
    after = Profile.objects.values("timezone", "day_start_hour").get(user=owner)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert after == before
        assert b'class="errors"' in response.content
    else:
        assert after == {"timezone": timezone, "day_start_hour": int(day_start_hour)}
        assert 0 <= after["day_start_hour"] <= 23


@pytest.mark.django_db
def test_a_refused_form_leaves_the_requests_profile_as_saved(owner_client, owner):
    # The rest of the response (the page around the form, a later part of
    # the request) reads the person's settings as saved, not as sent.
    response = owner_client.post(
        "/settings/",
        {"timezone": "Mars/Olympus", "day_start_hour": "23", "week_start": "6"},
    )
    assert response.status_code == 422
    profile = response.wsgi_request.profile
    saved = Profile.objects.get(user=owner)
    assert (profile.timezone, profile.day_start_hour, profile.week_start) == (
        saved.timezone,
        saved.day_start_hour,
        saved.week_start,
    )
    assert (saved.day_start_hour, saved.week_start) != (23, 6)
    # The form keeps what was sent, to mend.
    assert 'value="23"' in response.content.decode()
