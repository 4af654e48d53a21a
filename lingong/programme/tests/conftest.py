"""Fixtures for programme tests: the 2023 round loaded, uploads kept in a temporary folder."""

from __future__ import annotations

import pytest

from lingong.programme.reference import load_round_2023


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Vouchers go to a temporary folder, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rnd(towns):
    """The 2023 round with its phases and the 23 towns' budgets."""
    from lingong.programme.models import Round

    load_round_2023()
    return Round.objects.get(code="2023")


@pytest.fixture
def budgets(rnd):
    from lingong.programme.models import TownBudget

    return {b.town.short: b for b in TownBudget.objects.filter(round=rnd).select_related("town")}
