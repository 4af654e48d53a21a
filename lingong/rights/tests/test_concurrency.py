"""Two or more scans at once, each thread with its own database connection: one case, counted once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from lingong.employers.models import Employer
from lingong.rights.arrears import pay_due_at, scan_arrears
from lingong.rights.models import ArrearsCase, ArrearsEvent

from .helpers import completed

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_scans_open_each_case_once(personas, gig, worker):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory:"):
        pytest.skip("needs a file database shared between threads")
    app = completed(gig, worker)
    now = pay_due_at(app) + dt.timedelta(days=10)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            scan_arrears(now)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    case = ArrearsCase.objects.get()
    assert case.level == "inspection"
    assert Employer.objects.get(pk=gig.employer_id).arrears_cases == 1
    kinds = list(ArrearsEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("opened") == 1 and kinds.count("escalated") == 2 and kinds.count("suspended") == 1
