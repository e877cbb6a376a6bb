"""Suite-wide settings: offscreen Qt, quiet TensorFlow, one thread pool per process, and the
source language (tests read messages in English whatever the machine's locale; the tests of
other languages choose theirs explicitly)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["LANGUAGE"] = "en"  # also for the app's subprocesses (core.i18n.system_language)


def pytest_addoption(parser):
    """The monkey's replay options (tests/gui/test_monkey.py). Here, in the root conftest:
    pytest reads options only from the conftest files it loads before collecting."""
    group = parser.getgroup("monkey", "the random-gesture test (tests/gui/test_monkey.py)")
    group.addoption("--monkey-seed", type=int, default=None,
                    help="run the monkey with this seed only (it prints the seed on failure)")
    group.addoption("--monkey-actions", type=int, default=None,
                    help="how many actions the monkey takes per seed")
