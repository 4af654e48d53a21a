"""Notify tests write the local log under a temporary VAR_DIR and start with a clean fake channel."""

import pytest

from .fakes import ScriptedChannel


@pytest.fixture(autouse=True)
def notify_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def scripted(settings):
    """Route every channel through ScriptedChannel; queue outcomes with scripted.outcomes.append(…)."""
    ScriptedChannel.reset()
    path = "lingong.notify.tests.fakes.ScriptedChannel"
    settings.NOTIFY_CHANNELS = {"sms": path, "wechat": path, "inapp": path}
    yield ScriptedChannel
    ScriptedChannel.reset()
