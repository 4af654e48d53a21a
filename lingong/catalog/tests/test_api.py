"""The public catalog API: classify, occupations, certificates, hardship categories; bad input is 4xx in
Chinese, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/occupations"


def test_classify_happy_path(client, catalog):
    response = client.get(f"{URL}/classify", {"q": "急招日结搬运工 2名"})
    assert response.status_code == 200
    data = response.json()
    assert data[0] == {"code": "4-02-05-01", "name": "装卸搬运工", "score": data[0]["score"]}
    assert 0.9 < data[0]["score"] <= 1 and len(data) <= 5
    assert [m["code"] for m in client.get(f"{URL}/classify", {"q": "bj", "limit": 1}).json()] == [
        "4-09-08-01"
    ]
    assert len(client.get(f"{URL}/classify", {"q": "维修", "limit": 20}).json()) == 20
    assert client.get(f"{URL}/classify", {"q": "asdkjh"}).json() == []


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"q": "保姆", "limit": "0"}, 422, "limit：应不小于 1"),
        ({"q": "保姆", "limit": "21"}, 422, "limit：应不大于 20"),
        ({"q": "保姆", "limit": "abc"}, 422, "limit：应为整数"),
        ({}, 422, "q：缺少必填项"),
        ({"q": ""}, 422, "q：内容太短"),
        ({"q": "保" * 101}, 422, "q：内容太长"),
        ({"q": "   "}, 400, "请输入工种或岗位名称"),
    ],
)
def test_classify_bad_parameters(client, catalog, params, status, fragment):
    response = client.get(f"{URL}/classify", params)
    assert response.status_code == status
    assert fragment in response.json()["detail"]


def test_list_and_search_occupations(client, catalog):
    data = client.get(f"{URL}/", {"q": "保洁"}).json()
    assert [i["code"] for i in data["items"]] == ["4-09-08-01", "4-10-01-06"]  # name, then synonym 家庭保洁
    cleaner = data["items"][0]
    assert cleaner["name"] == "保洁员" and cleaner["mark"] == "L" and cleaner["parent_code"] == "4-09-08-00"
    assert cleaner["gig_names"] == ["保洁/开荒保洁/清洁工"] and cleaner["category"] == "家政服务"
    everything = client.get(f"{URL}/", {"limit": 5, "offset": 5}).json()
    assert everything["count"] == 1632 and len(everything["items"]) == 5
    gigs = client.get(f"{URL}/", {"gig_only": "true", "limit": 2}).json()
    assert gigs["count"] == 76 and gigs["items"][0]["code"] == "4-10-01-06"  # in the gig list's order
    assert client.get(f"{URL}/", {"q": "4-10-01"}).json()["count"] == 5  # code prefix
    assert client.get(f"{URL}/", {"limit": "500"}).status_code == 422


def test_occupation_detail(client, catalog):
    data = client.get(f"{URL}/6-30-05-01").json()
    assert data["name"] == "起重装卸机械操作工"
    assert [a["level"] for a in data["ancestors"]] == [1, 2, 3]
    assert data["required_certificates"] == ["TSSB-N1"] and "叉车" in data["synonyms"]
    missing = client.get(f"{URL}/9-99-99-99")
    assert missing.status_code == 404 and "找不到职业代码" in missing.json()["detail"]


def test_certificates_and_hardship_categories(client, catalog):
    certs = {c["code"]: c for c in client.get(f"{URL}/certificates").json()}
    assert certs["TZ-1.2"]["kind_label"] == "特种作业操作证" and certs["TZ-1.2"]["required_for"] == [
        "6-31-01-03"
    ]
    assert certs["JKZ"]["validity_years"] == 1 and certs["BAY"]["validity_years"] is None
    cats = client.get(f"{URL}/hardship-categories").json()
    assert len(cats) == 13 and cats[0]["code"] == "older_unemployed"
    assert (cats[0]["min_age_female"], cats[0]["min_age_male"], cats[0]["assistance_level"]) == (40, 50, True)
    assert cats[0]["valid_from"] == "2023-08-01"


def test_public_without_login_and_in_openapi(client, catalog):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/classify", "/", "/certificates", "/hardship-categories", "/{code}"):
        assert f"/api/v1/occupations{path}" in schema["paths"]
