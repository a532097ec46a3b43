"""Experiments in the export, the import, and account deletion."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from experiments import services
from experiments.models import Envelope, Experiment, Guess
from portability.export import export_document, export_zip
from portability.importer import import_document
from tests.conftest import make_user
from tests.factories import make_experiment

pytestmark = pytest.mark.django_db


def finished(owner) -> Experiment:
    start = owner.profile.local_day() - dt.timedelta(days=28)
    experiment = make_experiment(owner, weeks=4, start_date=start)
    for week, envelope in enumerate(experiment.envelopes.order_by("pk")):
        day = start + dt.timedelta(days=7 * week)
        Envelope.objects.filter(pk=envelope.pk).update(day=day)
        Guess.objects.create(
            experiment=experiment,
            envelope=envelope,
            kind="week",
            day=day,
            answer="active",
            confidence=60,
        )
    services.experiment_unblind(experiment)
    return experiment


def test_a_blinded_experiment_is_exported_without_its_allocation(owner):
    make_experiment(owner, weeks=4)
    document = export_document(owner)
    [exported] = document["experiments"]
    assert [e["active"] for e in exported["envelopes"]] == [None] * 4
    text = json.dumps(document)
    for envelope in Envelope.objects.all():
        assert envelope.token not in text


def test_an_unblinded_experiment_comes_back_whole_and_only_once(owner):
    experiment = finished(owner)
    document = json.loads(json.dumps(export_document(owner)))
    [exported] = document["experiments"]
    assert sorted(e["active"] for e in exported["envelopes"]) == [
        False,
        False,
        True,
        True,
    ]
    fresh = make_user("fresh")
    report = import_document(fresh, document)
    assert report.added["experiments"] == 1
    copy = Experiment.objects.get(user=fresh)
    assert (copy.design, copy.weeks, copy.status, copy.revealed) == (
        experiment.design,
        4,
        experiment.status,
        True,
    )
    assert export_document(fresh)["experiments"] == document["experiments"]
    # New codes: the old stickers belong to the old account.
    old = set(experiment.envelopes.values_list("token", flat=True))
    assert not old & set(copy.envelopes.values_list("token", flat=True))
    again = import_document(fresh, document)
    assert "experiments" not in again.added
    assert Experiment.objects.filter(user=fresh).count() == 1


def test_a_still_blinded_experiment_is_not_imported_and_the_report_says_why(owner):
    make_experiment(owner, weeks=4)
    fresh = make_user("fresh")
    report = import_document(fresh, export_document(owner))
    assert not Experiment.objects.filter(user=fresh).exists()
    assert "1 experiment still blinded could not be imported" in report.summary()


def test_the_spreadsheet_export_lists_experiments_and_envelopes(owner):
    import io
    import zipfile

    finished(owner)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(owner)))
    assert {"experiments.csv", "experiment_envelopes.csv"} <= set(archive.namelist())
    rows = archive.read("experiment_envelopes.csv").decode().splitlines()
    assert len(rows) == 5 and rows[0].startswith("experiment,week,opened_at")


def test_deleting_the_account_removes_its_experiments(owner):
    make_experiment(owner)
    owner.delete()
    assert not Experiment.objects.exists() and not Envelope.objects.exists()
