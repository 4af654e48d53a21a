"""Browser tests: the fixtures (browser, phone_page, desktop_page, base_url) and hooks live in
tests/browser/plugin.py, registered from the root conftest.py with ``pytest_plugins``.

Defining them here as well would register every hook twice, so this file only checks that the plugin
is loaded.
"""

import sys

if "tests.browser.plugin" not in sys.modules:
    raise ImportError(
        "tests/browser needs its plugin: add "
        'pytest_plugins = ["tests.browser.plugin"] to the root conftest.py'
    )
