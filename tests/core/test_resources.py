"""The shipped files: samples that are the question's data, a valid icon, and a wheel that
really carries them (found through the installed package, not the repository)."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest

import resources
from core.csv_io import load_csv
from core.presets import make_preset

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "main.py", "core", "gui", "resources")


@pytest.mark.parametrize("preset", ["seed-4", "seed-2000"])
def test_samples_are_the_questions_data_sets(preset):
    path = {p.stem: p for p in resources.sample_paths()}[preset.replace("seed", "question")]
    xy, labels = load_csv(path)
    want_xy, want_labels = make_preset(preset)
    assert np.array_equal(xy, want_xy) and np.array_equal(labels, want_labels)


def test_the_icon_is_an_svg_drawn_in_the_apps_colours():
    root = ET.parse(resources.icon_path()).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 64 64"
    text = resources.icon_path().read_text(encoding="utf-8")
    assert "#0072B2" in text and "#E69F00" in text  # style.CLASS_COLORS, the class markers


def test_every_package_data_pattern_matches_a_file():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]
    for package, globs in patterns.items():
        for pattern in globs:
            assert list((ROOT / package).glob(pattern)), f"{package}: {pattern} matches nothing"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the sources (about 2 s, offline: the build backend is
    the venv's setuptools), so the shared checkout gets no build/ or egg-info folders."""
    work = tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / "src" / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (work / "src").mkdir(exist_ok=True)
            shutil.copy2(source, work / "src" / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(work / "out"), str(work / "src")],
                   check=True, capture_output=True, timeout=120)
    (built,) = (work / "out").glob("*.whl")
    return built


def test_the_wheel_carries_every_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "resources").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped <= names, sorted(shipped - names)
    assert {"resources/icons/neuron-lab.svg", "resources/samples/question-4.csv"} <= names


def test_an_installed_wheel_finds_its_resources_without_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import resources\n"
        "paths = [resources.icon_path(), *resources.sample_paths()]\n"
        "print('\\n'.join(str(p) for p in paths if p.is_file()))\n"
    )
    # -S: no site-packages, so neither the editable install nor the checkout can answer.
    done = subprocess.run([sys.executable, "-S", "-c", code, str(site)], cwd=tmp_path,
                          capture_output=True, text=True, check=True, timeout=60)
    found = [Path(line) for line in done.stdout.split()]
    assert [p.name for p in found] == ["neuron-lab.svg", "question-2000.csv", "question-4.csv"]
    assert all(p.is_relative_to(site) for p in found)
