"""The versioned JSON API, assembled from each app's api.py. OpenAPI at /api/v1/openapi.json."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lingong.accounts.api import router as auth_router
from lingong.catalog.api import router as catalog_router
from lingong.employers.api import router as employers_router
from lingong.places.api import router as places_router
from lingong.workers.api import router as workers_router

from .errors import describe, summary

api = NinjaAPI(
    title="中山零工市场 API",
    version="1",
    description=(
        "零工市场与就业驿站信息系统接口。公开接口无需登录；"
        "其余接口使用 Bearer 令牌（POST /auth/token 获取）或网页登录会话。"
    ),
    urls_namespace="api",
)
api.add_router("/auth", auth_router, tags=["认证"])
api.add_router("/", places_router, tags=["镇街与站点"])
api.add_router("/occupations", catalog_router, tags=["职业与代码表"])
api.add_router("/workers", workers_router, tags=["零工与求职者"])
api.add_router("/employers", employers_router, tags=["用工主体"])


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    details = describe(exc.errors)
    return api.create_response(
        request, {"detail": "参数无效：" + summary(details), "errors": details}, status=422
    )


@api.exception_handler(DjangoValidationError)
def invalid_data(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        details = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        details = [{"field": "", "message": m} for m in exc.messages]
    return api.create_response(request, {"detail": summary(details), "errors": details}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "请先登录或提供有效的令牌"}, status=401)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "没有权限"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "未找到"}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
