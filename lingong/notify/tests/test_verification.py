"""SMS verification codes: sent through the outbox, hashed at rest, single use, limited attempts and rate."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingong.notify.channels import local_log_path
from lingong.notify.models import REDACTED, LocalDelivery, OutboxMessage, PhoneVerification, Status
from lingong.notify.services import check_code, code_hash, send_code

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
CODE_TEXT = "【中山零工市场】您的验证码是{}，10分钟内有效。如非本人操作请忽略。"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send_code with the after-commit delivery run, as it is in production; returns (verification, code)."""

    def _send(phone=PHONE, purpose="register", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            verification = send_code(phone=phone, purpose=purpose, **kwargs)
        delivery = LocalDelivery.objects.filter(recipient=verification.phone).latest("id")
        return verification, delivery.code

    return _send


def messages_of(exc: pytest.ExceptionInfo) -> list[str]:
    return [m for msgs in exc.value.message_dict.values() for m in msgs]


def test_send_delivers_the_text_and_stores_only_a_hash(send):
    verification, code = send(request_ip="10.0.0.8", client_hint="sess-1")
    assert len(code) == 6 and code.isdigit()
    delivery = LocalDelivery.objects.get()
    assert delivery.text == CODE_TEXT.format(code)
    line = json.loads(local_log_path().read_text(encoding="utf-8").splitlines()[-1])
    assert line["recipient"] == PHONE and line["text"] == CODE_TEXT.format(code)
    # The plain code is nowhere in the verification row, and the outbox forgets it once sent.
    verification.refresh_from_db()
    assert code not in json.dumps(
        [getattr(verification, f.attname) for f in PhoneVerification._meta.concrete_fields], default=str
    )
    assert verification.code_hash == code_hash(PHONE, "register", code)
    assert str(verification.request_ip) == "10.0.0.8"
    assert verification.expires_at - verification.created_at == dt.timedelta(minutes=10)
    message = OutboxMessage.objects.get()
    assert message.status == Status.SENT and message.params["code"] == REDACTED
    assert code not in message.text and message.expires_at == verification.expires_at


def test_phone_is_normalised_and_checked_in_chinese(send):
    verification, _ = send(phone="+86 139 1234 5678")
    assert verification.phone == PHONE
    with pytest.raises(ValidationError) as exc:
        send_code(phone="12345", purpose="register")
    assert "手机号" in exc.value.message_dict["phone"][0]
    with pytest.raises(ValidationError) as exc:
        send_code(phone=PHONE, purpose="hack")
    assert exc.value.message_dict["purpose"] == ["未知的验证码用途"]


def test_correct_code_is_accepted_once(send):
    verification, code = send()
    checked = check_code(phone=PHONE, purpose="register", code=code)
    assert checked.pk == verification.pk and checked.used_at is not None
    with pytest.raises(ValidationError) as exc:
        check_code(phone=PHONE, purpose="register", code=code)
    assert messages_of(exc) == ["验证码已使用，请重新获取"]


def test_code_is_bound_to_its_purpose(send):
    _, code = send(purpose="login")
    with pytest.raises(ValidationError) as exc:
        check_code(phone=PHONE, purpose="reset", code=code)
    assert messages_of(exc) == ["请先获取验证码"]


def test_wrong_codes_count_and_the_fifth_kills_the_code(send):
    verification, code = send()
    wrong = "000000" if code != "000000" else "111111"
    remaining = []
    for _ in range(5):
        with pytest.raises(ValidationError) as exc:
            check_code(phone=PHONE, purpose="register", code=wrong)
        remaining.append(messages_of(exc)[0])
    assert remaining == [
        "验证码不正确，还可以再试 4 次",
        "验证码不正确，还可以再试 3 次",
        "验证码不正确，还可以再试 2 次",
        "验证码不正确，还可以再试 1 次",
        "验证码错误次数过多，请重新获取",
    ]
    with pytest.raises(ValidationError) as exc:
        check_code(phone=PHONE, purpose="register", code=code)  # even the right one
    assert messages_of(exc) == ["验证码错误次数过多，请重新获取"]
    verification.refresh_from_db()
    assert verification.attempts == 5 and verification.used_at is None


def test_malformed_input_is_not_a_guess(send):
    verification, _ = send()
    for bad in ["", "12345", "abcdef", "１２３４５６"]:
        with pytest.raises(ValidationError) as exc:
            check_code(phone=PHONE, purpose="register", code=bad)
        assert messages_of(exc) == ["请输入 6 位数字验证码"]
    verification.refresh_from_db()
    assert verification.attempts == 0


def test_code_expires_after_ten_minutes(send):
    now = timezone.now()
    _, code = send(now=now)
    with pytest.raises(ValidationError) as exc:
        check_code(phone=PHONE, purpose="register", code=code, now=now + dt.timedelta(minutes=10, seconds=1))
    assert messages_of(exc) == ["验证码已过期，请重新获取"]
    assert check_code(phone=PHONE, purpose="register", code=code, now=now + dt.timedelta(minutes=9))


def test_a_new_code_replaces_the_old_one(send):
    now = timezone.now() - dt.timedelta(minutes=5)
    _, old = send(now=now)
    _, new = send(now=now + dt.timedelta(minutes=2))
    if old != new:
        with pytest.raises(ValidationError):
            check_code(phone=PHONE, purpose="register", code=old)
    assert check_code(phone=PHONE, purpose="register", code=new)


def test_no_code_requested():
    with pytest.raises(ValidationError) as exc:
        check_code(phone=PHONE, purpose="register", code="123456")
    assert messages_of(exc) == ["请先获取验证码"]


class TestRateLimits:
    def test_one_per_minute_per_phone_and_purpose(self, send):
        t0 = timezone.now()
        send(now=t0)
        with pytest.raises(ValidationError) as exc:
            send_code(phone=PHONE, purpose="register", now=t0 + dt.timedelta(seconds=15))
        assert messages_of(exc) == ["验证码发送太频繁，请 45 秒后再试"]
        assert exc.value.error_dict["phone"][0].code == "throttled"
        send(purpose="login", now=t0 + dt.timedelta(seconds=15))  # another purpose is fine
        send(now=t0 + dt.timedelta(seconds=61))
        assert PhoneVerification.objects.count() == 3

    def test_five_per_hour_per_phone(self, send):
        t0 = timezone.now()
        purposes = ["register", "login", "reset", "register", "login"]
        for i, purpose in enumerate(purposes):
            send(purpose=purpose, now=t0 + dt.timedelta(minutes=2 * i))
        with pytest.raises(ValidationError) as exc:
            send_code(phone=PHONE, purpose="reset", now=t0 + dt.timedelta(minutes=20))
        # The first of the five was at t0; it leaves the window at t0 + 60 min, 40 minutes later.
        assert messages_of(exc) == ["该手机号获取验证码次数过多，请 40 分钟后再试"]
        assert PhoneVerification.objects.count() == 5  # the refused request saved nothing
        assert OutboxMessage.objects.count() == 5
        send(purpose="reset", now=t0 + dt.timedelta(minutes=61))
        # Other phones are not affected.
        send(phone="13912345679", now=t0 + dt.timedelta(minutes=20))

    def test_per_ip_limit(self, send, settings):
        settings.NOTIFY_SMS_LIMITS = {"ip_per_hour": 2}
        t0 = timezone.now()
        send(phone="13912345671", request_ip="10.1.1.1", now=t0)
        send(phone="13912345672", request_ip="10.1.1.1", now=t0 + dt.timedelta(minutes=1))
        with pytest.raises(ValidationError) as exc:
            send_code(
                phone="13912345673",
                purpose="register",
                request_ip="10.1.1.1",
                now=t0 + dt.timedelta(minutes=2),
            )
        assert messages_of(exc) == ["当前网络获取验证码次数过多，请 58 分钟后再试"]
        send(phone="13912345673", request_ip="10.1.1.2", now=t0 + dt.timedelta(minutes=2))

    def test_garbage_ip_is_ignored(self, send):
        verification, _ = send(request_ip="not-an-ip")
        assert verification.request_ip is None
