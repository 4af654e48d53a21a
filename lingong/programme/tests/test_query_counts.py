"""List pages keep a flat number of queries as stations and expenditures grow (no N+1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lingong.programme import funds, services

from .helpers import building_station

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(personas, towns, budgets, n: int, start: int) -> None:
    for i in range(start, start + n):
        station = building_station(
            personas, towns["东区"], name=f"中山市（东区街道测试{i}社区）零工市场", complete=False
        )
        services.add_milestone(
            station,
            actor=personas.city_admin,
            title="完成场地改造",
            due_on=dt.date(2023, 10, 1),
            phase="building",
        )
        funds.record_expenditure(
            budgets["东区"],
            actor=personas.city_admin,
            data={
                "category": "publicity",
                "amount": "10",
                "spent_on": dt.date(2023, 10, 2),
                "supplier": "某公司",
            },
        )


@pytest.mark.parametrize("page", ["programme:overview", "programme:funds", "programme:expenditures"])
def test_queries_do_not_grow_with_the_data(client, personas, towns, budgets, page):
    client.force_login(personas.city_admin)
    url = reverse(page) + ("?format=xlsx" if page == "programme:expenditures" else "")
    _grow(personas, towns, budgets, 2, 0)
    before = _count(client, url)
    _grow(personas, towns, budgets, 4, 10)
    assert _count(client, url) == before
