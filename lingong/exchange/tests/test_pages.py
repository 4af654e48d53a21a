"""Pages: the city admin manages partners; partner users see their batches; everyone else gets 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lingong.accounts.models import AuditEntry
from lingong.exchange import services
from lingong.exchange.models import Partner

from .conftest import row

pytestmark = pytest.mark.django_db


class TestPartnerPages:
    def test_city_admin_creates_and_deactivates(self, client, personas, employer, partner_user):
        from lingong.accounts.tests.totp_helpers import verified_login

        verified_login(client, personas.city_admin)
        response = client.post(
            reverse("exchange:partners"),
            {"name": "某人才网", "kind": "platform", "employer": employer.code, "users": "partner"},
        )
        partner = Partner.objects.get(name="某人才网")
        assert response.status_code == 302
        assert list(partner.users.all()) == [partner_user]
        client.post(reverse("exchange:partner", args=[partner.code]), {"reason": "合作结束", "active": "0"})
        partner.refresh_from_db()
        assert not partner.active
        assert AuditEntry.objects.filter(action="exchange.partner_active", object_id=partner.code).exists()
        assert "某人才网" in client.get(reverse("exchange:partners")).content.decode()

    @pytest.mark.parametrize("who", ["town_admin_b", "coordinator_a", "employer", "worker", "outsider"])
    def test_others_may_not_manage_partners(self, client, personas, partner, who):
        client.force_login(getattr(personas, who))
        for url in (reverse("exchange:partners"), reverse("exchange:partner", args=[partner.code])):
            response = client.get(url)
            assert response.status_code == 403
            assert "市级管理员" in response.content.decode()


class TestBatchPages:
    def test_partner_user_sees_own_batches_only(self, client, personas, employer, partner, partner_user):
        batch, _ = services.import_gigs(actor=partner_user, partner=partner, rows=[row("A1")])
        other_user = personas.outsider
        other = services.create_partner(
            actor=personas.city_admin,
            data={"name": "另一平台", "kind": "platform", "employer": employer, "users": [other_user]},
        )
        other_batch, _ = services.import_gigs(actor=other_user, partner=other, rows=[row("B1")])
        client.force_login(partner_user)
        page = client.get(reverse("exchange:imports")).content.decode()
        assert batch.code in page and other_batch.code not in page
        assert client.get(reverse("exchange:batch", args=[other_batch.code])).status_code == 404
        assert client.get(reverse("exchange:batch", args=[batch.code])).status_code == 200

    def test_upload_for_another_partner_is_refused(self, client, personas, employer, partner, partner_user):
        from django.core.files.uploadedfile import SimpleUploadedFile

        other = services.create_partner(
            actor=personas.city_admin, data={"name": "另一平台", "kind": "platform", "employer": employer}
        )
        client.force_login(partner_user)
        response = client.post(
            reverse("exchange:imports"), {"partner": other.pk, "file": SimpleUploadedFile("a.xlsx", b"x")}
        )
        assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
        assert not other.batches.exists()

    def test_non_partner_users_get_403_on_imports(self, client, personas):
        client.force_login(personas.employer)
        response = client.get(reverse("exchange:imports"))
        assert response.status_code == 403 and "合作方" in response.content.decode()
