"""GET /api/v1/exchange/gigs/feed: changes since a cursor, masked contacts, closures, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lingong.exchange import feed, services
from lingong.gigs import services as gig_services
from lingong.gigs.models import Gig

from .conftest import bearer, row

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/gigs/feed"


def later(seconds: int = 10):
    return timezone.now() + dt.timedelta(seconds=seconds)


class TestFeed:
    def test_cursor_walks_the_changes_once(self, partner, partner_user):
        services.import_gigs(actor=partner_user, partner=partner, rows=[row(f"A{i}") for i in range(5)])
        first = feed.changes("", limit=3, now=later())
        assert len(first["items"]) == 3 and first["has_more"]
        second = feed.changes(first["next_cursor"], limit=3, now=later())
        assert len(second["items"]) == 2 and not second["has_more"]
        codes = [i["code"] for i in first["items"] + second["items"]]
        assert sorted(codes) == sorted(Gig.objects.values_list("code", flat=True))
        empty = feed.changes(second["next_cursor"], now=later())
        assert empty["items"] == [] and empty["next_cursor"] == second["next_cursor"]

    def test_contacts_are_masked_and_closures_are_reported(self, personas, partner, partner_user):
        services.import_gigs(actor=partner_user, partner=partner, rows=[row("A1")])
        start = feed.changes("", now=later())
        item = start["items"][0]
        assert item["event"] == "open" and item["contact_phone"] == "139****0005"
        assert item["shifts"] and item["description"]
        gig = Gig.objects.get()
        gig_services.close(gig, actor=personas.employer)
        after = feed.changes(start["next_cursor"], now=later())
        assert after["items"] == [
            {"code": gig.code, "event": "closed", "changed_at": after["items"][0]["changed_at"]}
        ]

    def test_drafts_never_appear_and_recent_changes_wait(self, personas, employer, partner, partner_user):
        from lingong.gigs.tests.factories import gig_data

        gig_services.save_draft(actor=personas.employer, employer=employer, data=gig_data(employer.town))
        assert feed.changes("", now=later())["items"] == []
        services.import_gigs(actor=partner_user, partner=partner, rows=[row("A1")])
        assert feed.changes("", now=timezone.now())["items"] == []  # younger than the settle window

    def test_bad_cursor_is_422(self, client, partner, partner_user):
        response = client.get(URL, {"since": "abc"}, headers=bearer(partner_user))
        assert response.status_code == 422 and "游标" in response.json()["detail"]

    def test_api_for_partner_users_only(self, client, personas, partner, partner_user):
        assert client.get(URL, headers=bearer(partner_user)).status_code == 200
        response = client.get(URL, headers=bearer(personas.employer))
        assert response.status_code == 403 and "合作方" in response.json()["detail"]
        assert client.get(URL).status_code == 401
