"""Complaints: filing with evidence (and refusing bad files), who sees what, the handling trail,
the worker's SMS, and the employer's credit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lingong.accounts.models import AuditEntry, Role
from lingong.accounts.services import create_user, grant_membership
from lingong.employers.models import Employer
from lingong.gigs.tests.factories import make_worker
from lingong.notify.models import OutboxMessage
from lingong.rights import complaints
from lingong.rights.models import Complaint, ComplaintEvidence

from .helpers import completed

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png(name: str = "工资条.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "聊天记录.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def worked(gig, worker):
    """The worker has done the gig, so they may name it (and its employer) in a complaint."""
    return completed(gig, worker)


def _file(worker, **kwargs) -> Complaint:
    data: dict[str, Any] = {"kind": "wages", "description": "做完三天，工资一直拖着不给。"}
    data.update(kwargs)
    return complaints.file_complaint(actor=worker.user, worker=worker, **data)


class TestFiling:
    def test_worker_files_on_the_page_with_evidence(self, client, personas, gig, worker, worked, settings):
        client.force_login(worker.user)
        page = client.get(reverse("rights:complaint_new")).content.decode()
        assert gig.title in page and "不会给用工方看" in page and "style=" not in page
        response = client.post(
            reverse("rights:complaint_new"),
            {
                "kind": "wages",
                "gig": gig.code,
                "description": "12月2日做完保洁，工资至今未付。",
                "evidence": [png(), pdf()],
            },
        )
        complaint = Complaint.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/rights/complaints/{complaint.code}/"
        assert complaint.worker == worker and complaint.employer == gig.employer and complaint.gig == gig
        assert complaint.filed_by == worker.user and complaint.status == "accepted"
        # Default owner: a coordinator of the worker's station.
        assert complaint.owner == personas.coordinator_a and complaint.station == personas.station_a
        names = sorted(e.original_name for e in complaint.evidence.all())
        assert names == ["工资条.png", "聊天记录.pdf"]
        kinds = {e.content_type for e in complaint.evidence.all()}
        assert kinds == {"image/png", "application/pdf"}
        stored = media_files(settings)
        assert len(stored) == 2 and all(f"complaints/{complaint.code}/" in str(p) for p in stored)
        assert all("工资条" not in p.name for p in stored)  # stored under random names
        assert Employer.objects.get(pk=gig.employer_id).complaints == 1
        [event] = complaint.events.all()
        assert event.kind == "filed" and "证据 2 份" in event.note
        sms = OutboxMessage.objects.get(template="complaint_filed_worker")
        assert sms.recipient == worker.user.phone and complaint.code in sms.text and "coord_a" in sms.text
        owner_sms = OutboxMessage.objects.get(template="complaint_assigned_staff")
        assert owner_sms.recipient == personas.coordinator_a.phone
        assert AuditEntry.objects.filter(action="complaint.file", object_id=complaint.code).exists()
        detail = client.get(response["Location"]).content.decode()
        assert "工资条.png" in detail and "已受理" in detail and "coord_a" in detail

    @pytest.mark.parametrize(
        ("name", "content"),
        [("合同.txt", b"just text"), ("setup.exe", b"MZ\x90\x00"), ("照片.jpg", b"<html>not a photo</html>")],
    )
    def test_a_bad_file_is_refused_in_chinese_and_nothing_is_saved(
        self, client, gig, worker, worked, settings, name, content
    ):
        client.force_login(worker.user)
        response = client.post(
            reverse("rights:complaint_new"),
            {
                "kind": "wages",
                "gig": gig.code,
                "description": "工资未付。",
                "evidence": [png(), SimpleUploadedFile(name, content, content_type="image/jpeg")],
            },
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert f"“{name}”不是图片或 PDF" in page and "只能上传" in page
        assert not Complaint.objects.exists() and not ComplaintEvidence.objects.exists()
        assert media_files(settings) == []
        assert Employer.objects.get(pk=gig.employer_id).complaints == 0
        assert not OutboxMessage.objects.filter(template__startswith="complaint").exists()

    def test_too_large_and_empty_files_are_refused(self, worker, settings):
        big = SimpleUploadedFile("大图.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png")
        with pytest.raises(ValidationError) as err:
            _file(worker, files=[big])
        assert "超过 5 MB" in str(err.value)
        with pytest.raises(ValidationError) as err:
            _file(worker, files=[SimpleUploadedFile("空.pdf", b"", content_type="application/pdf")])
        assert "空文件" in str(err.value)
        assert not Complaint.objects.exists() and media_files(settings) == []

    def test_missing_fields_say_what_to_fill(self, client, worker):
        client.force_login(worker.user)
        response = client.post(reverse("rights:complaint_new"), {"kind": "", "description": ""})
        page = response.content.decode()
        assert response.status_code == 400 and "发生了什么" in page
        assert not Complaint.objects.exists()
        with pytest.raises(ValidationError) as err:
            _file(worker, kind="bribe", description=" ")
        assert set(err.value.message_dict) == {"kind", "description"}

    def test_a_worker_names_only_employers_they_worked_for(self, personas, employer, worker):
        with pytest.raises(ValidationError) as err:
            _file(worker, employer=employer)
        assert "只能投诉本人报名或做过工的用工主体" in str(err.value)
        # Staff filing for the worker (after hearing them at the station) may name any employer.
        complaint = complaints.file_complaint(
            actor=personas.coordinator_a,
            worker=worker,
            kind="discrimination",
            description="面试时被问户籍。",
            employer=employer,
        )
        assert complaint.filed_by == personas.coordinator_a and complaint.employer == employer
        assert "代为登记" in complaint.events.get().note

    def test_staff_file_for_a_worker_on_the_page(self, client, personas, worker):
        client.force_login(personas.coordinator_a)
        assert "求职编号" in client.get(reverse("rights:complaint_new")).content.decode()
        url = reverse("rights:complaint_new") + f"?worker={worker.code}"
        assert worker.real_name in client.get(url).content.decode()
        response = client.post(
            url, {"kind": "safety", "description": "工地没有安全帽。", "worker": worker.code}
        )
        assert response.status_code == 302
        assert Complaint.objects.get().filed_by == personas.coordinator_a

    def test_only_the_worker_or_their_staff_may_file(self, personas, worker):
        other = make_worker(personas.coordinator_a, personas.station_a, name="何阿姨")
        for actor in (other.user, personas.employer, personas.outsider, personas.town_admin_b):
            with pytest.raises(PermissionDenied):
                complaints.file_complaint(actor=actor, worker=worker, kind="other", description="x")
        assert not Complaint.objects.exists()


class TestAccess:
    def test_visibility_by_role(self, client, personas, gig, worker, worked):
        complaint = _file(worker, gig=gig, files=[png()])
        evidence = complaint.evidence.get()
        detail = reverse("rights:complaint_detail", args=[complaint.code])
        file_url = reverse("rights:evidence", args=[complaint.code, evidence.code])
        other = make_worker(personas.coordinator_a, personas.station_a, name="何阿姨")
        # The complaint is about the employer persona's gig; the employer still sees nothing of it.
        for user in (other.user, personas.employer, personas.outsider, personas.town_admin_b):
            client.force_login(user)
            assert client.get(detail).status_code == 404, user
            assert client.get(file_url).status_code == 404, user
            assert complaint.code not in client.get("/api/v1/rights/complaints").content.decode()
        for user in (personas.employer, personas.outsider):
            client.force_login(user)
            assert client.get(reverse("rights:complaint_list")).status_code == 403
        for user in (worker.user, personas.coordinator_a, personas.city_admin):
            client.force_login(user)
            assert client.get(detail).status_code == 200, user
            response = client.get(file_url)
            assert response.status_code == 200 and response["Content-Type"] == "image/png"
            assert b"".join(response.streaming_content) == PNG
            assert response["Cache-Control"] == "private, no-store"
        assert set(Complaint.objects.visible_to(personas.employer)) == set()
        assert list(Complaint.objects.visible_to(other.user)) == []
        assert list(Complaint.objects.visible_to(worker.user)) == [complaint]

    def test_other_workers_cannot_act_and_the_worker_only_adds_evidence(self, client, personas, worker):
        complaint = _file(worker)
        detail = reverse("rights:complaint_detail", args=[complaint.code])
        client.force_login(worker.user)
        response = client.post(detail, {"action": "note", "note-note": "我自己写的"})
        assert response.status_code == 403
        response = client.post(detail, {"action": "evidence", "evidence-evidence": [pdf()]})
        assert response.status_code == 302 and complaint.evidence.count() == 1
        assert complaint.events.filter(kind="evidence").exists()


class TestHandling:
    def test_trail_and_notifications(self, client, personas, gig, worker, worked):
        complaint = _file(worker, gig=gig)
        coord = personas.coordinator_a
        detail = reverse("rights:complaint_detail", args=[complaint.code])
        client.force_login(coord)
        assert client.post(detail, {"action": "status", "status-status": "in_progress"}).status_code == 302
        assert (
            client.post(detail, {"action": "note", "note-note": "已联系用工方，约定周五前支付"}).status_code
            == 302
        )
        internal = {"action": "note", "note-note": "用工方态度差，需镇街介入", "note-internal": "on"}
        assert client.post(detail, internal).status_code == 302
        bad = client.post(detail, {"action": "close", "close-status": "concluded", "close-outcome": ""})
        assert bad.status_code == 400 and "请写明办理结果" in bad.content.decode()
        done = {"action": "close", "close-status": "concluded", "close-outcome": "用工方已补发工资 540 元"}
        assert client.post(detail, done).status_code == 302
        complaint.refresh_from_db()
        assert complaint.status == "concluded" and complaint.closed_at and "540" in complaint.outcome
        kinds = [(e.kind, e.internal) for e in complaint.events.all()]
        assert kinds == [
            ("filed", False),
            ("status", False),
            ("note", False),
            ("note", True),
            ("closed", False),
        ]
        progress = OutboxMessage.objects.filter(template="complaint_progress_worker").order_by("id")
        texts = [m.text for m in progress]
        assert len(texts) == 3  # status, the shared note, the close; not the internal note
        assert "处理中" in texts[0] and "周五前支付" in texts[1] and "540" in texts[2]
        assert all(m.recipient == worker.user.phone for m in progress)
        # The worker follows the trail without the internal note.
        client.force_login(worker.user)
        page = client.get(detail).content.decode()
        assert "周五前支付" in page and "镇街介入" not in page and "已办结" in page
        client.force_login(coord)
        assert "镇街介入" in client.get(detail).content.decode()
        with pytest.raises(ValidationError):
            complaints.add_evidence(complaint, actor=worker.user, files=[png()])

    def test_assign_to_another_coordinator_of_the_station(self, personas, worker):
        complaint = _file(worker)
        helper = create_user(actor=None, username="coord_a2", password="x-pass-2026!", phone="13900000021")
        grant_membership(
            actor=personas.city_admin, user=helper, role=Role.COORDINATOR, station=personas.station_a
        )
        assert helper in complaints.owner_choices(complaint)
        with pytest.raises(ValidationError):
            complaints.assign(complaint, actor=personas.coordinator_a, owner=personas.town_admin_b)
        complaints.assign(complaint, actor=personas.coordinator_a, owner=helper)
        complaint.refresh_from_db()
        assert complaint.owner == helper
        assert OutboxMessage.objects.filter(
            template="complaint_assigned_staff", recipient="13900000021"
        ).exists()
        assert (
            "已由coord_a2承办"
            in OutboxMessage.objects.filter(template="complaint_progress_worker").get().text
        )
        # The new owner handles it.
        complaints.add_note(complaint, actor=helper, note="已约谈")
        with pytest.raises(PermissionDenied):
            complaints.add_note(complaint, actor=personas.town_admin_b, note="不在辖区")

    def test_not_taken_up_restores_the_employer_credit(self, personas, gig, worker, worked):
        complaint = _file(worker, gig=gig)
        assert Employer.objects.get(pk=gig.employer_id).complaints == 1
        with pytest.raises(ValidationError):
            complaints.change_status(complaint, actor=personas.coordinator_a, status="concluded")
        complaints.close(
            complaint, actor=personas.city_admin, outcome="经核实不属于劳动争议", status="rejected"
        )
        assert Employer.objects.get(pk=gig.employer_id).complaints == 0
        with pytest.raises(ValidationError):
            complaints.close(complaint, actor=personas.city_admin, outcome="再次")
        assert AuditEntry.objects.filter(action="complaint.close", object_id=complaint.code).exists()

    def test_staff_of_the_employer_may_not_handle_it(self, personas, gig, worker, worked):
        complaint = _file(worker, gig=gig)
        grant_membership(
            actor=personas.city_admin,
            user=personas.employer,
            role=Role.COORDINATOR,
            station=personas.station_a,
        )
        employer_staff = type(personas.employer).objects.get(pk=personas.employer.pk)
        assert not complaints.may_handle(employer_staff, complaint)
        assert not Complaint.objects.visible_to(employer_staff).filter(pk=complaint.pk).exists()
        unrelated = _file(worker)  # names no employer: the coordinator role still sees it
        assert list(Complaint.objects.visible_to(employer_staff)) == [unrelated]
        with pytest.raises(PermissionDenied):
            complaints.add_note(complaint, actor=employer_staff, note="这是误会")
