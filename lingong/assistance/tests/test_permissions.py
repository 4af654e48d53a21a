"""Permission matrix for every assessment, assistance and subsidy page and endpoint."""

from __future__ import annotations

from django.utils import timezone

from lingong.assistance import services, subsidies
from lingong.assistance.models import SubsidyKind
from lingong.assistance.tests.test_assessment import answers_for
from lingong.workers.models import Worker

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]
OWN = [302, 200, 404, 404, 404, 404, 404]  # the worker's own pages
STAFF = [302, 403, 403, 403, 200, 200, 200]
CITY = [302, 403, 403, 403, 403, 403, 200]
OF_A = [302, 403, 403, 403, 200, 404, 200]  # staff pages about station A's worker
ABOUT_A = [302, 200, 404, 404, 200, 404, 200]  # records of station A's worker: the worker and their staff
# {W} worker of station A, {B} walk-in of station B; {AS} {AP} {SA}: an assessment, a plan and a subsidy
# application of {W}.
MATRIX = [
    ("get", "/assistance/assess/", OWN),
    ("get", "/assistance/assess/interest/", OWN),
    ("get", "/assistance/assess/skills/?cats=安保", OWN),
    ("get", "/assistance/subsidies/", OWN),
    ("get", "/assistance/todo/", STAFF),
    ("get", "/assistance/subsidy-rules/", STAFF),
    ("get", "/assistance/applications/", STAFF),
    ("get", "/assistance/applications/?status=paid", STAFF),
    ("get", "/assistance/subsidy-rules/new/", CITY),
    ("get", "/assistance/subsidy-rules/training/edit/", CITY),
    ("post", "/assistance/subsidy-rules/training/edit/", CITY),
    ("get", "/assistance/w/{W}/", OF_A),
    ("get", "/assistance/w/{W}/interest/", OF_A),
    ("post", "/assistance/w/{W}/interest/", OF_A),
    ("get", "/assistance/w/{W}/skills/?cats=安保", OF_A),
    ("get", "/assistance/w/{W}/plan/new/", OF_A),
    ("get", "/assistance/w/{B}/", [302, 403, 403, 403, 404, 200, 200]),
    ("get", "/assistance/result/{AS}/", ABOUT_A),
    ("get", "/assistance/p/{AP}/", ABOUT_A),
    ("post", "/assistance/p/{AP}/", [302, 403, 404, 404, 200, 404, 200]),
    ("get", "/assistance/applications/{SA}/", ABOUT_A),
    ("post", "/assistance/applications/{SA}/", [302, 403, 404, 404, 200, 404, 200]),
    ("post", "/assistance/subsidies/training/apply/", [302, 302, 404, 404, 404, 404, 404]),
    ("get", "/api/v1/assessment/interest/items", [200, 200, 200, 200, 200, 200, 200]),
    ("post", "/api/v1/assessment/interest", [401, 201, 404, 404, 404, 404, 404]),
    ("get", "/api/v1/workers/me/subsidies", [401, 200, 404, 404, 404, 404, 404]),
]


def test_permission_matrix(client, world):
    worker = world.worker
    Worker.objects.filter(pk=worker.pk).update(tier=2)
    worker.refresh_from_db()
    today = timezone.localdate()
    assessment = services.take_interest(actor=world.worker_user, worker=worker, answers=answers_for("R"))
    plan = services.open_plan(
        actor=world.coordinator_a,
        worker=worker,
        goal="找到稳定工作",
        items=[{"kind": "guidance", "due_on": today}],
    )
    kind = SubsidyKind.objects.get(code="social_insurance")
    kind.conditions = []
    kind.save()
    application = subsidies.apply(actor=world.worker_user, worker=worker, kind=kind)
    codes = {
        "W": worker.code,
        "B": world.walk_in_b.code,
        "AS": assessment.code,
        "AP": plan.code,
        "SA": application.code,
    }
    answers = {"answers": answers_for("S")}
    wrong = []
    for method, template, expected in MATRIX:
        url = template.format(**codes)
        for role, want in zip(ROLES, expected, strict=True):
            client.logout()
            user = world.user(role)
            if user is not None:
                client.force_login(user)
            if url.startswith("/api/") and method == "post":
                got = client.post(url, answers, content_type="application/json").status_code
            else:
                # An empty POST is refused by permission before validation; for permitted roles it
                # re-renders (200) or, for the worker's one-tap apply, redirects with a message.
                got = getattr(client, method)(url).status_code
            if got != want:
                wrong.append(f"{method.upper()} {url} as {role}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)
