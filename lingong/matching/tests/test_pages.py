"""The matching pages per role: 为你推荐, 推荐人选 and 邀请, the one-to-one console, batch dispatch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lingong.gigs.models import Application, AppStatus
from lingong.ledger.models import LedgerEntry
from lingong.workers.models import Worker

from .helpers import employer_gig, worker_with

pytestmark = pytest.mark.django_db

HARDSHIP_WORDS = ("重点帮扶", "困难", "tier", "低保", "残疾")


def test_for_you_block(client, personas):
    gig = employer_gig(personas, booking_mode="instant")
    worker = worker_with(personas)
    url = reverse("matching:for_you")
    client.force_login(worker.user)
    home = client.get("/")
    assert url in home.content.decode()  # the home page loads the block
    assert url in client.get(reverse("workers:me")).content.decode()
    page = client.get(url).content.decode()
    assert "为你推荐" in page and gig.title in page
    assert "会做保洁员（3年以上经验）" in page
    assert f'action="{reverse("gigs:actions", args=[gig.code])}"' in page
    assert 'value="claim"' in page
    # Anyone without a worker record gets an empty block, and the home page does not load it.
    client.force_login(personas.employer)
    assert client.get(url).content.decode().strip() == ""
    assert url not in client.get("/").content.decode()


def test_candidates_and_invite(client, personas):
    gig = employer_gig(personas)
    worker = worker_with(personas, tier=2)
    url = reverse("matching:candidates", args=[gig.code])
    invite = reverse("matching:invite", args=[gig.code])
    assert client.get(url).status_code == 302
    for outsider in (personas.outsider, worker.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(invite, {"worker": worker.code, "shift": 1}).status_code == 404
    for viewer in (personas.employer, personas.city_admin):
        client.force_login(viewer)
        assert url in client.get(reverse("gigs:manage", args=[gig.code])).content.decode()
        page = client.get(url).content.decode()
        assert "推荐人选" in page and "梁*" in page and "优先候选" in page and worker.code in page
        assert "梁伯" not in page
        assert not [w for w in HARDSHIP_WORDS if w in page], page
    client.force_login(personas.employer)
    response = client.post(invite, {"worker": worker.code, "shift": 1}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("gigs:manage", args=[gig.code]))
    assert "已邀请 梁*" in response.content.decode()
    app = Application.objects.get(worker=worker)
    assert app.status == AppStatus.INVITED
    again = client.post(invite, {"worker": worker.code, "shift": 1}, follow=True).content.decode()
    assert "邀请没有发出" in again and "不用重复操作" in again
    assert client.post(invite, {"worker": worker.code, "shift": 9}).status_code == 404
    assert "没有找到" in client.post(invite, {"worker": "WKNOPE", "shift": 1}, follow=True).content.decode()


def test_console(client, personas):
    gig = employer_gig(personas)
    worker = worker_with(personas)
    url = reverse("matching:console", args=[worker.code])
    assert client.get(url).status_code == 302
    client.force_login(personas.employer)
    assert client.get(url).status_code == 403
    client.force_login(personas.town_admin_b)  # 东区: does not serve this 小榄 worker
    assert client.get(url).status_code == 404
    client.force_login(personas.coordinator_a)
    assert url in client.get(reverse("workers:detail", args=[worker.code])).content.decode()
    page = client.get(url).content.decode()
    assert gig.title in page and "会做保洁员" in page and gig.employer.contact_phone in page
    assert "请致电用工方" in page  # a 东区 gig: this 小榄 coordinator calls instead of inviting
    refused = client.post(url, {"action": "invite", "gig": gig.code, "shift": 1}, follow=True)
    assert "邀请没有发出" in refused.content.decode()
    client.force_login(personas.city_admin)
    response = client.post(url, {"action": "invite", "gig": gig.code, "shift": 1}, follow=True)
    assert "已邀请" in response.content.decode()
    client.force_login(personas.coordinator_a)
    assert Application.objects.get(worker=worker).status == AppStatus.INVITED
    bad = client.post(url, {"action": "record", "station": personas.station_a.code, "result": ""})
    assert bad.status_code == 400 and "请选择结果" in bad.content.decode()
    done = client.post(
        url,
        {
            "action": "record",
            "station": personas.station_a.code,
            "result": "referred",
            "outcome": "已推荐保洁",
        },
    )
    assert done.status_code == 302
    line = LedgerEntry.objects.get(worker=worker, service="recommendation")
    assert line.station == personas.station_a and line.result == "referred"


def test_dispatch_page(client, personas, towns):
    gig = employer_gig(personas)
    worker = worker_with(personas)
    Worker.objects.filter(pk=worker.pk).update(home_town=towns["东区"])
    url = reverse("matching:dispatch")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert client.get(url).status_code == 302
    for user in (personas.worker, personas.employer):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(personas.coordinator_a)
    # A coordinator may not pick 东区 (not their town); it is not offered and is refused.
    town_b = f"town:{towns['东区'].code}"
    assert town_b not in client.get(url).content.decode()
    assert client.get(url, {"area": town_b, "date": tomorrow}).status_code == 400
    client.force_login(personas.town_admin_b)
    assert "批量派单" in client.get("/").content.decode()
    page = client.get(url, {"area": town_b, "date": tomorrow}).content.decode()
    row = f"{worker.code}|{gig.code}|1"
    assert "方案总分" in page and row in page and "会做保洁员" in page
    sent = client.post(url, {"row": [row, f"WKNOPE|{gig.code}|1"]}).content.decode()
    assert "已邀请" in sent and "求职者或岗位不存在" in sent
    assert Application.objects.get(worker=worker).status == AppStatus.INVITED
