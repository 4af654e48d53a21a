import pytest


@pytest.fixture(autouse=True)
def _fresh_index(settings):
    """Each test starts from a cold index (its database rolls back) and checks the audit log on every
    call instead of every 2 seconds."""
    from lingong.matching import index

    settings.MATCHING_INDEX_RECHECK_SECONDS = 0
    index.reset()
    yield
    index.reset()
