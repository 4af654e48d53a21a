"""Races between requests, each thread with its own database connection (SQLite file or PostgreSQL)."""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from lingong.notify.models import LocalDelivery, OutboxMessage, PhoneVerification
from lingong.notify.services import check_code, enqueue, send_code

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "13912345678"


def race(n: int, fn: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Run fn(i) in n threads released at once; return results and exceptions."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory:"):
        pytest.skip("needs a file database shared between threads")
    barrier = threading.Barrier(n)
    results: list[object] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(fn(i))
        except BaseException as exc:  # collected and asserted on by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_same_dedupe_key_at_once_makes_one_message():
    def work(i: int) -> int:
        with transaction.atomic():
            return enqueue(
                channel="sms",
                recipient=PHONE,
                template="sms_code",
                params={"code": "123456", "minutes": 10},
                dedupe_key="race:1",
            ).pk

    results, errors = race(4, work)
    assert not errors, errors
    assert len(set(results)) == 1
    assert OutboxMessage.objects.count() == 1


def test_parallel_code_requests_pass_the_rate_limit_once():
    results, errors = race(4, lambda i: send_code(phone=PHONE, purpose="register"))
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, ValidationError) for e in errors)
    assert PhoneVerification.objects.count() == 1


def test_parallel_guesses_are_all_counted():
    send_code(phone=PHONE, purpose="register")
    verification = PhoneVerification.objects.get()
    code = LocalDelivery.objects.get().code  # the outbox forgot it once sent
    wrong = "000000" if code != "000000" else "111111"

    results, errors = race(8, lambda i: check_code(phone=PHONE, purpose="register", code=wrong))
    assert results == [] and len(errors) == 8
    verification.refresh_from_db()
    assert verification.attempts == 5  # never more than five guesses, however many arrive at once
