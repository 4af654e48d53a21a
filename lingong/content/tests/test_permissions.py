"""Permission matrix for the content pages, the kiosk and LED pages and their endpoints.

Columns are the personas from conftest.py; "anon" is a visitor who is not signed in (302 = sent to the
login page). One database serves every role (setting it up is the slow part), so the roles run in one
test and every mismatch is reported together.
"""

import pytest

from lingong.content import services

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]
ALL_200 = [200] * 7

# {P}: a published city-wide article; {DB}: a draft of town B (东区); {DC}: coordinator A's draft (小榄);
# {A}: station A.
MATRIX = [
    ("get", "/articles/", ALL_200),
    ("get", "/articles/{P}/", ALL_200),
    ("get", "/articles/{DB}/", [404, 404, 404, 404, 404, 200, 200]),
    ("get", "/articles/{DC}/", [404, 404, 404, 404, 200, 404, 200]),
    ("get", "/manage/content/", [302, 403, 403, 403, 200, 200, 200]),
    ("get", "/manage/content/new/", [302, 403, 403, 403, 200, 200, 200]),
    ("get", "/manage/content/categories/", [302, 403, 403, 403, 403, 403, 200]),
    ("get", "/manage/content/{P}/edit/", [302, 403, 403, 403, 403, 403, 200]),
    ("get", "/manage/content/{DB}/edit/", [302, 403, 403, 403, 404, 200, 200]),
    ("get", "/manage/content/{DC}/edit/", [302, 403, 403, 403, 200, 404, 200]),
    ("post", "/manage/content/{DC}/publish/", [302, 403, 403, 403, 403, 404, 302]),
    ("post", "/manage/content/{DB}/files/", [302, 403, 403, 403, 404, 400, 400]),
    ("get", "/api/v1/articles", ALL_200),
    ("get", "/api/v1/articles/{P}", ALL_200),
    ("get", "/api/v1/articles/{DB}", [404] * 7),
    ("get", "/kiosk/{A}/", ALL_200),
    ("get", "/kiosk/{A}/led/", ALL_200),
    ("get", "/kiosk/{A}/policies/", ALL_200),
    ("get", "/kiosk/{A}/policies/{P}/", ALL_200),
    ("get", "/kiosk/{A}/events/", ALL_200),
    ("post", "/kiosk/{A}/reset/", [302] * 7),
    ("get", "/api/v1/stations/{A}/feed", ALL_200),
    ("get", "/api/v1/stations/{A}/feed?format=text&width=30", ALL_200),
]


def test_matrix_covers_every_role():
    assert all(len(expected) == len(ROLES) for _, _, expected in MATRIX)


@pytest.mark.django_db
def test_permission_matrix(client, personas, categories):
    base = {"kind": "news", "category": "jobs", "body": "正文", "channels": ["web", "kiosk"]}
    published = services.save_article(
        actor=personas.city_admin, data={**base, "title": "全市公告", "town": None}
    )
    services.publish(published, actor=personas.city_admin)
    draft_b = services.save_article(
        actor=personas.town_admin_b, data={**base, "title": "东区稿", "town": "442000002"}
    )
    draft_c = services.save_article(
        actor=personas.coordinator_a, data={**base, "title": "小榄稿", "town": "442000118"}
    )
    codes = {"P": published.code, "DB": draft_b.code, "DC": draft_c.code, "A": personas.station_a.code}
    wrong = []
    for i, role in enumerate(ROLES):
        client.logout()
        if role != "anon":
            client.force_login(getattr(personas, role))
        for method, path, expected in MATRIX:
            url = path.format(**codes)
            response = getattr(client, method)(url)
            if response.status_code != expected[i]:
                wrong.append(
                    f"{method.upper()} {url} as {role}: {response.status_code}, expected {expected[i]}"
                )
            elif expected[i] == 302 and role == "anon" and "/kiosk/" not in url:
                assert "/accounts/login/" in response["Location"], url
    assert not wrong, "\n".join(wrong)
