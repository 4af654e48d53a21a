"""How browser tests read an SMS code: from the local SMS page, by phone number (data-phone/data-code)."""

import pytest
from django.db import transaction

from lingong.notify.services import check_code, send_code

PHONE = "13912345678"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_user_reads_the_code_on_the_local_sms_page(phone_page):
    with transaction.atomic():  # delivered after commit, as in a real request
        send_code(phone=PHONE, purpose="register")
    csp_errors: list[str] = []
    phone_page.on("console", lambda m: csp_errors.append(m.text) if "Content Security" in m.text else None)
    phone_page.goto(f"/notify/local-sms/?phone={PHONE}")
    latest = phone_page.locator(f'.sms[data-phone="{PHONE}"]').first
    code = latest.get_attribute("data-code")
    assert code and len(code) == 6
    assert f"您的验证码是{code}" in latest.inner_text()
    assert check_code(phone=PHONE, purpose="register", code=code).used_at is not None
    assert csp_errors == []
