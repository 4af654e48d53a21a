"""The versioned JSON API, assembled from each app's api.py. OpenAPI at /api/v1/openapi.json."""

import functools

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lingong.accounts.api import router as auth_router
from lingong.assistance.api import router as assistance_router
from lingong.catalog.api import router as catalog_router
from lingong.content.api import router as content_router
from lingong.employers.api import router as employers_router
from lingong.events.api import router as events_router
from lingong.exchange.api import router as exchange_router
from lingong.gigs.api import router as gigs_router
from lingong.gigs.api_browse import router as gigs_browse_router
from lingong.ledger.api import router as ledger_router
from lingong.matching.api import router as matching_router
from lingong.monitoring.api import router as monitoring_router
from lingong.places.api import router as places_router
from lingong.programme.api import router as programme_router
from lingong.rights.api import router as rights_router
from lingong.screening.api import router as screening_router
from lingong.training.api import router as training_router
from lingong.workers.api import router as workers_router

from .errors import describe, null_characters, summary

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
api.add_router("/", screening_router, tags=["岗位审查"])
api.add_router("/", gigs_browse_router, tags=["零工岗位"])
api.add_router("/", gigs_router, tags=["报名、录用、考勤与工资"])
api.add_router("/", matching_router, tags=["人岗匹配与派工"])
api.add_router("/rights", rights_router, tags=["劳动权益"])
api.add_router("/programme", programme_router, tags=["建设计划与资金"])
api.add_router("/ledger", ledger_router, tags=["服务台账"])
api.add_router("/", content_router, tags=["政策资讯与零工橱窗"])
api.add_router("/events", events_router, tags=["招聘活动"])
api.add_router("/", training_router, tags=["职业技能培训"])
api.add_router("/", assistance_router, tags=["职业测评与补贴"])
api.add_router("/stats", monitoring_router, tags=["运行统计"])
api.add_router("/exchange", exchange_router, tags=["岗位交换（合作方与省级平台）"])


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


def reject_null_characters(run):
    """Answer text holding a NUL character with 422 before it reaches the database (see errors.py)."""

    @functools.wraps(run)
    def checked(request, *args, **kwargs):
        details = null_characters(request)
        if details:
            body = {"detail": "参数无效：" + summary(details), "errors": details}
            return api.create_response(request, body, status=422)
        return run(request, *args, **kwargs)

    return checked


api.add_decorator(reject_null_characters, mode="view")
