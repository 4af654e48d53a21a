"""Channel adapters driven through fake transports: no network, no mocking of internals."""

import datetime as dt
import json
from urllib.parse import parse_qsl

import pytest
from django.core.cache import cache

from lingong.notify.channels import (
    AliyunSmsChannel,
    HttpRequest,
    LocalLogChannel,
    PermanentFailure,
    TemporaryFailure,
    WeChatTemplateChannel,
    aliyun_signature,
    get_channel,
    is_local,
    urllib_transport,
)
from lingong.notify.delivery import deliver_message
from lingong.notify.models import OutboxMessage, Status

from .fakes import ALIYUN_CONFIG, FakeTransport, OkAliyunSmsChannel


def sms_message(pk=7, **overrides) -> OutboxMessage:
    fields = {
        "pk": pk,
        "channel": "sms",
        "recipient": "13912345678",
        "template": "sms_code",
        "params": {"code": "482913", "minutes": 10},
        "text": "【中山零工市场】您的验证码是482913，10分钟内有效。如非本人操作请忽略。",
    }
    fields.update(overrides)
    return OutboxMessage(**fields)


def test_signature_matches_the_documented_example():
    # Aliyun's own worked example (signature mechanism, RPC style): GET with AccessKeySecret "testsecret".
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert aliyun_signature(params, "testsecret", "GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


class TestAliyunSms:
    def channel(self, transport) -> AliyunSmsChannel:
        return AliyunSmsChannel(config=ALIYUN_CONFIG, transport=transport)

    def test_builds_a_signed_send_sms_request(self):
        now = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)
        request = self.channel(FakeTransport()).build_request(sms_message(), now=now, nonce="n-1")
        assert request.method == "POST" and request.url == "https://dysmsapi.aliyuncs.com/"
        assert request.timeout == 10.0
        body = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
        assert body["Action"] == "SendSms" and body["Version"] == "2017-05-25"
        assert body["PhoneNumbers"] == "13912345678"
        assert body["SignName"] == "中山零工市场"
        assert body["TemplateCode"] == "SMS_000001"
        assert json.loads(body["TemplateParam"]) == {"code": "482913", "minutes": "10"}
        assert body["OutId"] == "7" and body["Timestamp"] == "2026-03-02T09:00:05Z"
        signature = body.pop("Signature")
        assert signature == aliyun_signature(body, "test-secret", "POST")

    def test_success_returns_the_biz_id(self):
        transport = FakeTransport(200, b'{"Code":"OK","Message":"OK","BizId":"900619746936498440^0"}')
        assert self.channel(transport).send(sms_message()) == "900619746936498440^0"
        assert len(transport.requests) == 1

    @pytest.mark.parametrize(
        ("status", "body"),
        [
            (500, b'{"Code":"InternalError"}'),
            (503, b"<html>busy</html>"),
            (429, b""),
            (200, b'{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"\\u89e6\\u53d1\\u6d41\\u63a7"}'),
            (200, b'{"Code":"isp.SYSTEM_ERROR"}'),
            (400, b'{"Code":"Throttling.User"}'),
            (200, b"not json"),
        ],
    )
    def test_temporary_failures(self, status, body):
        with pytest.raises(TemporaryFailure):
            self.channel(FakeTransport(status, body)).send(sms_message())

    @pytest.mark.parametrize(
        ("status", "body"),
        [
            (400, b'{"Code":"SignatureDoesNotMatch"}'),
            (404, b'{"Code":"InvalidAccessKeyId.NotFound"}'),
            (200, b'{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"bad number"}'),
            (200, b'{"Code":"isv.SMS_TEMPLATE_ILLEGAL"}'),
        ],
    )
    def test_permanent_failures(self, status, body):
        with pytest.raises(PermanentFailure) as exc:
            self.channel(FakeTransport(status, body)).send(sms_message())
        assert str(status) in str(exc.value)

    def test_network_errors_are_temporary(self):
        with pytest.raises(TemporaryFailure, match="网络错误"):
            self.channel(FakeTransport(error=TimeoutError("timed out"))).send(sms_message())
        with pytest.raises(TemporaryFailure):
            self.channel(FakeTransport(error=ConnectionResetError())).send(sms_message())

    def test_missing_configuration_waits_instead_of_failing(self):
        with pytest.raises(TemporaryFailure, match="未配置"):
            AliyunSmsChannel(config={}, transport=FakeTransport()).send(sms_message())
        with pytest.raises(TemporaryFailure, match="模板"):
            self.channel(FakeTransport()).send(sms_message(template="other"))

    @pytest.mark.django_db
    def test_end_to_end_through_the_registry(self, settings):
        settings.NOTIFY_CHANNELS = {"sms": "lingong.notify.tests.fakes.OkAliyunSmsChannel"}
        OkAliyunSmsChannel.transports.clear()
        message = OutboxMessage.objects.create(
            channel="sms",
            recipient="13912345678",
            template="sms_code",
            params={"code": "111222", "minutes": 10},
            text="…",
            dedupe_key="e2e",
            next_attempt_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
            created_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        )
        assert deliver_message(message.pk) == Status.SENT
        message.refresh_from_db()
        assert message.provider_id == "900^1"
        [transport] = OkAliyunSmsChannel.transports
        assert b"PhoneNumbers=13912345678" in transport.requests[0].body


class TestWeChat:
    config = {"app_id": "wx-test", "app_secret": "s", "templates": {"gig_offer": "TPL-1"}}

    @pytest.fixture(autouse=True)
    def _clear_cache(self):
        cache.clear()
        yield
        cache.clear()

    def message(self):
        return OutboxMessage(
            pk=3,
            channel="wechat",
            recipient="oAbCdEfGhIjKlMnOp",
            template="gig_offer",
            params={"title": "搬运装卸", "url": "https://example.cn/g/1"},
            text="…",
        )

    def test_fetches_a_token_then_sends(self):
        transport = FakeTransport(200, b'{"access_token":"TOKEN","expires_in":7200}').then(
            200, b'{"errcode":0,"errmsg":"ok","msgid":200228332}'
        )
        channel = WeChatTemplateChannel(config=self.config, transport=transport)
        assert channel.send(self.message()) == "200228332"
        token_req, send_req = transport.requests
        assert token_req.url.endswith("/cgi-bin/stable_token")
        assert send_req.url.endswith("access_token=TOKEN")
        payload = json.loads(send_req.body)
        assert payload["touser"] == "oAbCdEfGhIjKlMnOp" and payload["template_id"] == "TPL-1"
        assert (
            payload["data"] == {"title": {"value": "搬运装卸"}} and payload["url"] == "https://example.cn/g/1"
        )
        # The token is cached: the next send makes one request.
        transport.then(200, b'{"errcode":0,"msgid":2}')
        WeChatTemplateChannel(config=self.config, transport=transport).send(self.message())
        assert len(transport.requests) == 3

    def test_expired_token_is_temporary_and_forgotten(self):
        cache.set("notify:wechat:token:wx-test", "OLD")
        transport = FakeTransport(200, b'{"errcode":42001,"errmsg":"access_token expired"}')
        with pytest.raises(TemporaryFailure, match="42001"):
            WeChatTemplateChannel(config=self.config, transport=transport).send(self.message())
        assert cache.get("notify:wechat:token:wx-test") is None

    def test_unsubscribed_user_is_permanent(self):
        cache.set("notify:wechat:token:wx-test", "T")
        transport = FakeTransport(200, b'{"errcode":43004,"errmsg":"require subscribe"}')
        with pytest.raises(PermanentFailure, match="43004"):
            WeChatTemplateChannel(config=self.config, transport=transport).send(self.message())

    def test_server_errors_are_temporary(self):
        cache.set("notify:wechat:token:wx-test", "T")
        with pytest.raises(TemporaryFailure):
            WeChatTemplateChannel(config=self.config, transport=FakeTransport(502)).send(self.message())


def test_registry_defaults_to_the_local_channel(settings):
    settings.NOTIFY_CHANNELS = {}
    assert isinstance(get_channel("sms"), LocalLogChannel)
    assert is_local("sms") and is_local("inapp")
    settings.NOTIFY_CHANNELS = {"sms": "lingong.notify.channels.AliyunSmsChannel"}
    assert isinstance(get_channel("sms"), AliyunSmsChannel) and not is_local("sms")
    with pytest.raises(PermanentFailure):
        get_channel("fax")


def test_urllib_transport_refuses_plain_http():
    with pytest.raises(PermanentFailure, match="https"):
        urllib_transport(HttpRequest(method="POST", url="http://dysmsapi.aliyuncs.com/"))
