import numpy as np
import pytest

from core.csv_io import DataFileError, load_csv, save_csv
from core.dataset import Dataset
from core.presets import PRESETS, make_preset


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_are_deterministic_per_seed(name):
    a_xy, a_labels = make_preset(name, 7)
    b_xy, b_labels = make_preset(name, 7)
    assert np.array_equal(a_xy, b_xy) and np.array_equal(a_labels, b_labels)
    assert set(np.unique(a_labels)) == {0, 1}
    assert a_xy.shape == (len(a_labels), 2) and np.all(np.isfinite(a_xy))


def test_question_presets_match_the_question():
    xy, labels = make_preset("seed-4")
    assert xy.tolist() == [[0, 0], [1, 0], [0, 1], [1, 1]] and labels.tolist() == [0, 0, 1, 1]
    xy, labels = make_preset("seed-2000")
    assert len(xy) == 2000 and xy[:, 0].max() == 999
    assert np.array_equal(labels, xy[:, 1].astype(int))
    xy, labels = make_preset("noisy-corners", 1)
    assert len(xy) == 1000 and np.array_equal(labels, xy[:, 1] > 0.5)
    assert not np.array_equal(xy, make_preset("noisy-corners", 2)[0])


def test_unknown_preset_names_the_choices():
    with pytest.raises(KeyError, match="noisy-corners"):
        make_preset("nope")


def test_csv_round_trip(tmp_path):
    xy, labels = make_preset("blobs", 3)
    path = tmp_path / "points.csv"
    save_csv(path, xy, labels)
    xy2, labels2 = load_csv(path)
    assert np.array_equal(xy, xy2) and np.array_equal(labels, labels2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("x,y,label\nfoo\n", ":2: expected 3 values"),
        ("x,y,label\n1,2,0\n1,2\n", ":3: expected 3 values"),
        ("x,y,label\n1,2,0\n1,abc,0\n", ":3: y is not a number"),
        ("x,y,label\nnan,2,0\n", ":2: x must be finite"),
        ("x,y,label\n1,inf,0\n", ":2: y must be finite"),
        ("x,y,label\n1,2,0\n1,2,3\n", ":3: label must be 0 or 1"),
        ("x,y,label\n1,2,0\n1e39,2,1\n", ":3: x is too large for float32"),
    ],
)
def test_bad_files_name_the_first_bad_line(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataFileError, match=message):
        load_csv(path)


def test_failed_load_changes_nothing(tmp_path):
    ds = Dataset(*make_preset("seed-4"))
    before = ds.snapshot()
    path = tmp_path / "bad.csv"
    path.write_text("x,y,label\n1,2,0\n1,2,7\n")
    with pytest.raises(DataFileError):
        ds.replace(*load_csv(path))
    after = ds.snapshot()
    assert np.array_equal(before.xy, after.xy) and after.version == before.version


def test_binary_and_missing_files_are_clear_errors(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DataFileError, match="not a text file"):
        load_csv(path)
    with pytest.raises(DataFileError, match="no such file"):
        load_csv(tmp_path / "missing.csv")
