"""Suite-wide settings: offscreen Qt, quiet TensorFlow, one thread pool per process."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_addoption(parser):
    """The monkey's replay options (tests/gui/test_monkey.py). Here, in the root conftest:
    pytest reads options only from the conftest files it loads before collecting."""
    group = parser.getgroup("monkey", "the random-gesture test (tests/gui/test_monkey.py)")
    group.addoption("--monkey-seed", type=int, default=None,
                    help="run the monkey with this seed only (it prints the seed on failure)")
    group.addoption("--monkey-actions", type=int, default=None,
                    help="how many actions the monkey takes per seed")
