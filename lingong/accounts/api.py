"""Token endpoints: sign in for a bearer token, see who you are, revoke the token you hold."""

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lingong.api.auth import bearer, token_or_session

from . import otp, services
from .views import LOCKED_MESSAGE

router = Router()


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150, description="用户名或手机号")
    password: str = Field(min_length=1, max_length=256)
    name: str = Field(default="", max_length=60, description="令牌用途，如“驿站一体机”")
    otp: str = Field(
        default="", max_length=12, description="动态验证码：镇街和市级管理员必填，验证器应用显示的 6 位数字"
    )


class TokenOut(Schema):
    token: str
    token_id: int
    prefix: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]


@router.post("/token", response={201: TokenOut}, auth=None, summary="用账号密码换取令牌")
def create_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise HttpError(429, LOCKED_MESSAGE)
    if user is None:
        raise HttpError(401, "用户名/手机号或密码不正确")
    if otp.required_for(user):
        _check_second_factor(user, payload.otp)
    token, key = services.issue_token(actor=user, name=payload.name)
    services.note_login(user=user, via="接口令牌")
    return Status(201, {"token": key, "token_id": token.id, "prefix": token.prefix})


# The status for each refusal of the second factor (codes from otp.verify_code).
OTP_STATUS = {"locked": 429, "no_device": 403, "format": 422}


def _check_second_factor(user, code: str) -> None:
    if not code.strip():
        raise HttpError(401, "管理员账号还需要动态验证码：请在 otp 字段填写验证器应用显示的 6 位数字")
    try:
        otp.verify_code(user=user, code=code)
    except ValidationError as exc:
        raise HttpError(OTP_STATUS.get(exc.code or "", 401), exc.messages[0]) from None


@router.get("/me", response=MeOut, auth=token_or_session, summary="当前用户")
def me(request):
    user = request.auth
    return {"username": user.username, "display_name": user.display_name, "roles": sorted(user.roles)}


@router.delete("/token", response={204: None}, auth=bearer, summary="撤销当前令牌")
def revoke_current(request):
    services.revoke_token(actor=request.auth, token=request.api_token)
    return Status(204, None)
