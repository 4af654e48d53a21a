"""POST /api/v1/exchange/gigs: counts, per-row errors, Idempotency-Key, permissions."""

from __future__ import annotations

import pytest

from lingong.exchange.models import ImportBatch
from lingong.gigs.models import Gig

from .conftest import bearer, row

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/gigs"


def post(client, user, body, **headers):
    return client.post(URL, body, content_type="application/json", headers={**bearer(user), **headers})


class TestImportApi:
    def test_counts_and_row_errors(self, client, partner, partner_user):
        body = {"gigs": [row("A1"), row("A2", description="只招男性"), row("A3", pay_unit="year")]}
        response = post(client, partner_user, body)
        assert response.status_code == 200, response.json()
        data = response.json()
        assert (data["created"], data["updated"], data["unchanged"], data["rejected"]) == (1, 0, 0, 2)
        assert [e["row"] for e in data["errors"]] == [2, 3]
        assert any("计酬单位" in m for m in data["errors"][1]["messages"])
        assert ImportBatch.objects.get(code=data["batch"]).partner == partner
        again = post(client, partner_user, {"partner": partner.code, "gigs": [row("A1")]}).json()
        assert (again["created"], again["unchanged"]) == (0, 1)

    def test_idempotency_key_replays_the_first_answer(self, client, partner, partner_user):
        body = {"gigs": [row("A1"), row("A2")]}
        first = post(client, partner_user, body, **{"Idempotency-Key": "k-1"})
        second = post(client, partner_user, body, **{"Idempotency-Key": "k-1"})
        assert first.status_code == second.status_code == 200
        assert first.json() == second.json()
        assert first.json()["created"] == 2
        assert Gig.objects.count() == 2 and ImportBatch.objects.count() == 1
        other = post(client, partner_user, {"gigs": [row("A9")]}, **{"Idempotency-Key": "k-1"})
        assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]

    def test_batch_over_the_limit_is_422_in_chinese(self, client, partner, partner_user):
        body = {"gigs": [row(f"R{i}") for i in range(5001)]}
        response = post(client, partner_user, body)
        assert response.status_code == 422
        assert "参数无效" in response.json()["detail"]
        assert not Gig.objects.exists()

    def test_a_body_over_djangos_default_limit_is_taken_in_for_a_partner(self, client, partner, partner_user):
        long = "清洁" * 1500  # 3,000 characters, 9 KB: over the posting's 2,000-character limit
        body = {"gigs": [row(f"L{i}", description=long) for i in range(400)]}
        response = post(client, partner_user, body)
        assert response.status_code == 200, response.content[:300]
        assert response.json()["rejected"] == 400
        assert "不能超过 2000 个字" in response.json()["errors"][0]["messages"][0]

    def test_missing_external_id_is_422(self, client, partner, partner_user):
        bad = row("A1")
        del bad["external_id"]
        response = post(client, partner_user, {"gigs": [bad]})
        assert response.status_code == 422 and "缺少必填项" in response.json()["detail"]


class TestImportPermissions:
    def test_anonymous_is_401(self, client, partner):
        response = client.post(URL, {"gigs": [row("A1")]}, content_type="application/json")
        assert response.status_code == 401

    @pytest.mark.parametrize("who", ["outsider", "employer", "city_admin", "worker"])
    def test_non_partner_users_are_403_in_chinese(self, client, personas, partner, who):
        response = post(client, getattr(personas, who), {"gigs": [row("A1")]})
        assert response.status_code == 403
        assert "合作方" in response.json()["detail"]
        assert not Gig.objects.exists()

    def test_a_partner_user_may_not_import_for_another_partner(
        self, client, personas, employer, partner, partner_user
    ):
        from lingong.exchange import services

        other = services.create_partner(
            actor=personas.city_admin, data={"name": "另一平台", "kind": "platform", "employer": employer}
        )
        response = post(client, partner_user, {"partner": other.code, "gigs": [row("A1")]})
        assert response.status_code == 403 and "本合作方" in response.json()["detail"]
        assert not Gig.objects.exists()
