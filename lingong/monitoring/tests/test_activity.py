"""A signed-in worker who searches gigs (page or API) counts as active that day; nobody else does."""

import pytest
from django.utils import timezone

from lingong.accounts.services import issue_token
from lingong.gigs.tests.factories import make_worker
from lingong.ledger.models import LedgerEntry
from lingong.monitoring import activity
from lingong.monitoring.metrics import active_seekers
from lingong.monitoring.models import SeekerActivity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    activity._noted.clear()
    yield
    activity._noted.clear()


def test_worker_searching_on_the_page_is_marked_active_once_a_day(client, personas):
    worker = make_worker(personas.coordinator_a, personas.station_a)
    client.force_login(worker.user)
    for q in ["保洁", "搬运", ""]:
        assert client.get("/gigs/", {"q": q}).status_code == 200
    rows = SeekerActivity.objects.filter(worker=worker)
    assert list(rows.values_list("day", flat=True)) == [timezone.localdate()]


def test_api_search_with_a_token_marks_the_worker(client, personas):
    worker = make_worker(personas.coordinator_a, personas.station_a)
    _, key = issue_token(actor=worker.user, name="测试")
    assert client.get("/api/v1/gigs", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert SeekerActivity.objects.filter(worker=worker).count() == 1


def test_a_second_process_writes_no_duplicate(personas):
    worker = make_worker(personas.coordinator_a, personas.station_a)
    activity.note_search(worker.user)
    activity._noted.clear()  # as another process would see it
    activity.note_search(worker.user)
    assert SeekerActivity.objects.filter(worker=worker).count() == 1


def test_anonymous_employer_and_staff_searches_are_not_seekers(client, personas):
    assert client.get("/gigs/", {"q": "保洁"}).status_code == 200
    for user in [personas.employer, personas.coordinator_a, personas.city_admin]:
        client.force_login(user)
        assert client.get("/gigs/").status_code == 200
    assert not SeekerActivity.objects.exists()


def test_searching_makes_a_worker_count_as_active(personas):
    worker = make_worker(personas.coordinator_a, personas.station_a)
    today = timezone.localdate()
    # Registration at the desk is a service, so the worker is active already; drop that line to see
    # the search alone make the difference.
    LedgerEntry.objects.filter(worker=worker).delete()
    assert worker.pk not in active_seekers(today)
    activity.note_search(worker.user)
    assert worker.pk in active_seekers(today)
