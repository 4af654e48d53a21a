"""The demo employer for `manage.py seed_demo`: the demo employer account manages it, approved."""

from __future__ import annotations

from lingong.accounts.models import User
from lingong.lib.uscc import make_uscc
from lingong.places.models import Town

from .models import Employer
from .services import register_employer, review_employer

DEMO_EMPLOYER = {
    "kind": "enterprise",
    "name": "中山市小榄镇示范五金制品有限公司",
    "uscc": make_uscc("91442000MA4W5678K"),
    "contact_name": "周丽华",
    "contact_phone": "13800000006",
    "address": "中山市小榄镇宝丰路18号",
    "industry": "五金制品",
    "description": "演示数据：五金配件加工，常年招聘装配、打磨、搬运零工。",
}


def create_demo_employer(*, admin: User, user: User) -> Employer:
    """Register the demo employer as `user` (its manager) and approve it as the city admin `admin`."""
    employer = register_employer(actor=user, data={**DEMO_EMPLOYER, "town": Town.objects.get(short="小榄")})
    return review_employer(employer, actor=admin, decision="approve", reason="演示数据")
