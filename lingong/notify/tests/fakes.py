"""Test doubles: a channel whose outcomes a test scripts, and fake HTTP transports."""

from __future__ import annotations

import threading
import time

from lingong.notify.channels import AliyunSmsChannel, Channel, HttpRequest, HttpResponse


class ScriptedChannel(Channel):
    """Each send pops the next outcome: a provider id (str) or an exception to raise.

    Class-level state, because the registry makes a fresh instance per delivery.
    """

    outcomes: list[str | BaseException] = []
    sent: list[int] = []
    delay = 0.0
    lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.outcomes = []
        cls.sent = []
        cls.delay = 0.0

    def send(self, message) -> str:
        if self.delay:
            time.sleep(self.delay)  # widens the race window in the concurrency test
        with self.lock:
            self.sent.append(message.pk)
            outcome = self.outcomes.pop(0) if self.outcomes else f"fake-{message.pk}-{len(self.sent)}"
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class FakeTransport:
    """Records requests and answers with a fixed response (or raises a given exception)."""

    def __init__(self, status: int = 200, body: bytes = b"", error: BaseException | None = None) -> None:
        self.responses: list[tuple[int, bytes, BaseException | None]] = [(status, body, error)]
        self.requests: list[HttpRequest] = []

    def then(self, status: int = 200, body: bytes = b"", error: BaseException | None = None) -> FakeTransport:
        self.responses.append((status, body, error))
        return self

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        status, body, error = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if error is not None:
            raise error
        return HttpResponse(status, body)


ALIYUN_CONFIG = {
    "access_key_id": "test-id",
    "access_key_secret": "test-secret",
    "sign_name": "中山零工市场",
    "templates": {"sms_code": "SMS_000001"},
}


class OkAliyunSmsChannel(AliyunSmsChannel):
    """What the registry builds in the end-to-end test: the real adapter over a fake gateway."""

    transports: list[FakeTransport] = []

    def __init__(self) -> None:
        transport = FakeTransport(200, b'{"Code":"OK","Message":"OK","BizId":"900^1","RequestId":"r1"}')
        self.transports.append(transport)
        super().__init__(config=ALIYUN_CONFIG, transport=transport)
