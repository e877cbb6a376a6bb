"""core.atomic_write: the old file or the new one, never a mix, never a stray temp file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from core.atomic_write import atomic_write, atomic_write_text


def test_writes_a_new_file_with_the_usual_permissions(tmp_path):
    path = tmp_path / "points.csv"
    atomic_write_text(path, "x,y,label\n1.0,2.0,1\n")
    assert path.read_text() == "x,y,label\n1.0,2.0,1\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    assert os.listdir(tmp_path) == ["points.csv"]


def test_replacing_keeps_the_old_files_mode(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_text(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_failing_write_leaves_the_old_file_and_no_temp_file(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("old contents")

    def half_then_fail(handle):
        handle.write("half of the new")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(path, half_then_fail)
    assert path.read_text() == "old contents"
    assert os.listdir(tmp_path) == ["points.csv"]


def test_a_symlink_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "data" / "real.csv"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert sorted(os.listdir(real.parent)) == ["real.csv"]  # the temp file was beside it


def test_a_folder_or_a_missing_folder_is_an_oserror(tmp_path):
    with pytest.raises(IsADirectoryError):
        atomic_write_text(tmp_path, "x")
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "missing" / "file.csv", "x")
    assert os.listdir(tmp_path) == []


def test_a_reader_never_sees_a_partial_file(tmp_path):
    """Another process reading in a loop while the file is rewritten sees one complete
    version or the other, never a truncated one (a plain open("w") would show those)."""
    path = tmp_path / "big.csv"
    versions = ["a" * 400_000 + "\n", "b" * 400_000 + "\n"]
    atomic_write_text(path, versions[0])
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, pathlib\n"
         "p = pathlib.Path(sys.argv[1]); bad = 0\n"
         "for _ in range(3000):\n"
         "    t = p.read_text()\n"
         "    bad += len(t) != 400001 or len(set(t[:-1])) != 1\n"
         "print(bad)\n", str(path)],
        stdout=subprocess.PIPE, text=True)
    for index in range(60):
        atomic_write_text(path, versions[index % 2])
    out, _ = reader.communicate(timeout=120)
    assert out.strip() == "0"


def test_core_stays_free_of_qt():
    code = ("import sys, core.atomic_write; "
            "print([m for m in sys.modules if m.startswith(('PyQt', 'pyqtgraph'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                             os.path.abspath(__file__)))))
    assert out.stdout.strip() == "[]"
