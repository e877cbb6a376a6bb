"""The CSV files people have: written the natural ways (numpy.savetxt, pandas to_csv, by hand)
they load as exactly the points in them; what is really wrong is refused with its line number.

pandas is not a dependency, so its ``to_csv`` output is written out as the exact text it
produces (header ``,x,y,label``, index 0..n-1, floats as ``repr``).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from core.csv_io import DataFileError, load_csv, save_csv

# Exact at 6 decimals too, so every writer below round-trips them bit for bit.
XY = np.array([[0.0, 0.0], [1.5, -2.25], [0.000125, 300000.0], [-0.125, 0.5]])
LABELS = np.array([0, 1, 1, 0], dtype=np.int8)
TABLE = np.column_stack([XY, LABELS])


def rows(fmt: str = "{x!r}{sep}{y!r}{sep}{label}", sep: str = ",") -> list[str]:
    return [fmt.format(i=i, x=float(x), y=float(y), label=int(label), sep=sep)
            for i, ((x, y), label) in enumerate(zip(XY, LABELS))]


def text_file(*lines: str, newline: str = "\n", encoding: str = "utf-8"):
    def write(path: Path) -> None:
        path.write_bytes(newline.join([*lines, ""]).encode(encoding))
    return write


def savetxt(**kwargs):
    def write(path: Path) -> None:
        np.savetxt(path, TABLE, **kwargs)
    return write


DIALECTS = {
    # numpy.savetxt, the ways people call it
    "savetxt-default-space-e18-no-header": savetxt(),
    "savetxt-comma-hash-header": savetxt(delimiter=",", header="x,y,label"),
    "savetxt-space-hash-header": savetxt(header="x y label"),
    "savetxt-fmt-6f-comma": savetxt(fmt="%.6f", delimiter=","),
    "savetxt-fmt-6f-mixed-label-fmt": savetxt(fmt=["%.6f", "%.6f", "%d"], delimiter=","),
    "savetxt-tab-plain-header": savetxt(delimiter="\t", header="x\ty\tlabel", comments=""),
    "savetxt-semicolon": savetxt(delimiter=";", fmt="%.6f"),
    "savetxt-crlf-header": savetxt(delimiter=",", newline="\r\n", header="x,y,label",
                                   comments=""),
    "savetxt-hash-header-after-other-comments": savetxt(
        delimiter=",", header="made with numpy\nx,y,label"),
    # pandas to_csv (exact text it writes)
    "pandas-to-csv-index": text_file(",x,y,label", *rows("{i},{x!r},{y!r},{label}")),
    "pandas-to-csv-index-crlf": text_file(",x,y,label", *rows("{i},{x!r},{y!r},{label}"),
                                          newline="\r\n"),
    "pandas-frame-from-array": text_file(",0,1,label", *rows("{i},{x!r},{y!r},{label}")),
    "pandas-unnamed-0-filtered-index": text_file(
        "Unnamed: 0,x,y,label", *[f"{3 * i + 2},{r}" for i, r in enumerate(rows())]),
    "pandas-named-index": text_file("index,x,y,label", *rows("{i},{x!r},{y!r},{label}")),
    "pandas-index-false": text_file("x,y,label", *rows()),
    # by hand and spreadsheets
    "utf8-bom": text_file("x,y,label", *rows(), encoding="utf-8-sig"),
    "utf8-bom-crlf-semicolon": text_file("x;y;label", *rows(sep=";"), newline="\r\n",
                                         encoding="utf-8-sig"),
    "old-mac-cr": text_file("x,y,label", *rows(), newline="\r"),
    # Windows spreadsheets and editors: Latin-1 / Windows-1252 names, Excel's "Unicode text"
    "latin1-header": text_file("# mesur\u00e9es \u00e0 la main", "x;y;label", *rows(sep=";"),
                               encoding="latin-1"),
    "excel-unicode-text-utf16": text_file("x\ty\tlabel", *rows(sep="\t"), newline="\r\n",
                                          encoding="utf-16"),
    "cls-label-column": text_file("f1,f2,cls,w", *rows("{x!r},{y!r},{label},1")),
    "no-header-comma": text_file(*rows()),
    "spaces-after-commas": text_file("x, y, label", *rows(sep=", ")),
    "quoted-header": text_file('"x","y","label"', *rows()),
    "aligned-runs-of-spaces-and-tabs": text_file(*rows("  {x!r}   {y!r} \t {label}")),
    "tab-header-names-with-spaces": text_file(
        "pos x\tpos y\tlabel", *rows(sep="\t")),
    "scientific-labels": text_file(
        *[f"{x:e},{y:.3e},{'1e0' if label else '0.0e+00'}"
          for (x, y), label in zip(XY.tolist(), LABELS)]),
    "blank-lines-and-comments-between": text_file(
        "# points", "x,y,label", "", rows()[0], "# a note", rows()[1], "", *rows()[2:], ""),
    # label (and features) chosen by name
    "label-first": text_file("label,x,y", *rows("{label},{x!r},{y!r}")),
    "y-x-label-swapped-features": text_file("y,x,label", *rows("{y!r},{x!r},{label}")),
    "class-in-the-middle-extra-text-column": text_file(
        "id,x1,class,x2,note", *rows("p{i},{x!r},{label},{y!r},hello world")),
    "target-last-five-columns": text_file(
        "a,b,c,d,target", *rows("{x!r},{y!r},7,8,{label}")),
    "sklearn-x1-x2-y": text_file("x1,x2,y", *rows()),
    "sklearn-y-first": text_file("y,x1,x2", *rows("{label},{x!r},{y!r}")),
    "label-wins-over-class": text_file("class,x,y,label", *rows("5,{x!r},{y!r},{label}")),
    "x-y-label-plus-extra": text_file("x,y,label,weight", *rows("{x!r},{y!r},{label},0.5")),
    "pandas-index-and-target": text_file(",f0,f1,f2,target",
                                         *rows("{i},{x!r},{y!r},9.5,{label}")),
}


@pytest.mark.parametrize("name", list(DIALECTS))
def test_each_dialect_gives_exactly_the_points(tmp_path, name):
    path = tmp_path / f"{name}.csv"
    DIALECTS[name](path)
    xy, labels = load_csv(path)
    assert xy.dtype == np.float64 and xy.shape == (4, 2) and labels.dtype == np.int8
    assert np.array_equal(xy, XY), (path.read_bytes()[:200], xy)
    assert np.array_equal(labels, LABELS)


def test_the_written_files_are_what_the_matrix_claims(tmp_path):
    """Guard the matrix itself: savetxt really writes e-notation labels and '# ' headers."""
    path = tmp_path / "a.csv"
    DIALECTS["savetxt-default-space-e18-no-header"](path)
    assert path.read_text().splitlines()[0].endswith(" 0.000000000000000000e+00")
    DIALECTS["savetxt-comma-hash-header"](path)
    assert path.read_text().startswith("# x,y,label\n")
    DIALECTS["savetxt-fmt-6f-comma"](path)
    assert path.read_text().splitlines()[1] == "1.500000,-2.250000,1.000000"
    DIALECTS["utf8-bom-crlf-semicolon"](path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfx;y;label\r\n")


def test_our_own_files_still_round_trip(tmp_path):
    path = tmp_path / "own.csv"
    xy = np.array([[0.1, 1e-300], [-3.0e38, 2.0]])
    save_csv(path, xy, np.array([1, 0]))
    got, labels = load_csv(path)
    assert np.array_equal(got, xy) and labels.tolist() == [1, 0]


def test_a_large_savetxt_file_loads_whole(tmp_path):
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(20_000, 2)) * 1e3
    labels = (xy[:, 0] > 0).astype(np.int8)
    path = tmp_path / "big.txt"
    np.savetxt(path, np.column_stack([xy, labels]))
    got_xy, got_labels = load_csv(path)
    assert np.array_equal(got_xy, xy) and np.array_equal(got_labels, labels)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"bad\.csv: the file is empty"),
        ("\n  \n\n", r"bad\.csv: the file is empty"),
        ("# x,y,label\n# nothing else\n", "no points to train on: only comment"),
        ("x,y,label\n1,2,0\n1,2,2\n", r"bad\.csv:3: label must be 0 or 1, found '2'"),
        ("1 2 0\n1 2 0.5\n", r":2: label must be 0 or 1, found '0.5'"),
        ("x,y,class\n1,2,-1\n", r":2: label 'class' must be 0 or 1, found '-1'"),
        ("# x,y,label\n1,2,0\n\n# note\n1,2,1e0\n3,4,1.0000001\n",
         r":6: label must be 0 or 1, found '1.0000001'"),
        ("x,y,label\nnan,2,0\n", ":2: x must be finite, found 'nan'"),
        ("x,y,label\n1,-inf,0\n", ":2: y must be finite"),
        ("1,2,0\n3,4,NaN\n", ":2: label must be finite"),
        ("x,y,label\r\n1,2,0\r\n1,abc,0\r\n", r":3: y is not a number: 'abc'"),
        ("\ufeffx,y,label\n1,2,0\n1,2,yes\n", r":3: label is not a number: 'yes'"),
        ("x1,x2,y\n1,2,0\n1,,1\n", r":3: x2 is not a number: ''"),
        ("x,y,label\n1,2,0\n1,2\n", r":3: expected 3 values \(as on line 1\), found 2"),
        ("1 2 0\n1 2 0 4\n", r":2: expected 3 values \(as on line 1\), found 4"),
        ("x,y\n1,2\n", r":1: expected 3 values \(x, y, label\), found 2"),
        ("# made by hand\n1\n2\n", r":2: expected 3 values \(x, y, label\), found 1"),
        (",x,y\n0,1,2\n", r":1: expected 3 values \(x, y, label\), found 2"),
        ("a,b,c,d\n1,2,3,0\n", r":1: 4 columns and none is named label"),
        ("1,2,3,0\n", r":1: 4 columns and none is named label"),
        ("x,y,label\n1,2,0\n1e39,2,1\n", ":3: x is too large for float32"),
        ("x,y,label\n1_000,2,0\n", r":2: x is not a number: '1_000'"),
        ("x,y,label\n1,2,0\n\x00\x00\n", r"bad\.csv: not a text file"),
    ],
)
def test_what_is_really_wrong_is_refused_with_its_line(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(DataFileError, match=message) as caught:
        load_csv(path)
    assert "\n" not in str(caught.value)  # one line for the user


def test_an_index_column_that_is_not_integers_is_data(tmp_path):
    """An unnamed first column of fractions is not pandas' index: with four columns the label
    is still found by name and the features are the first two other columns."""
    path = tmp_path / "f.csv"
    path.write_text(",x,y,label\n0.5,1,2,1\n")
    xy, labels = load_csv(path)
    assert xy.tolist() == [[1.0, 2.0]] and labels.tolist() == [1]
    path.write_text(",a,b,label\n0.5,1,2,1\n")
    assert load_csv(path)[0].tolist() == [[0.5, 1.0]]


def test_a_first_row_of_numbers_is_data_not_a_header(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("0,1,1\n2,3,0\n")
    xy, labels = load_csv(path)
    assert xy.tolist() == [[0, 1], [2, 3]] and labels.tolist() == [1, 0]


def _mutations(rng: random.Random) -> bytes:
    """Bytes near real files (the interesting region) and plain noise."""
    base = rng.choice([
        b"x,y,label\n0,0,0\n1.5,2,1\n", b"# x,y,label\n0 0 0\n1 1 1\n",
        b",x,y,label\n0,0.0,0.0,0\n1,1.0,1.0,1\n", b"a;b;class;d\r\n1;2;1;4\r\n",
        b"\xef\xbb\xbfx\ty\tlabel\n1\t2\t0\n", b"",
    ])
    data = bytearray(base)
    alphabet = b"0123456789.,;\t \n\r#-+eEnaifxyl\"'_\x00\xff\xef\xbb\xbf"
    for _ in range(rng.randint(0, 6)):
        op = rng.randrange(3)
        at = rng.randint(0, len(data))
        if op == 0:
            data[at:at] = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
        elif op == 1 and data:
            del data[at:at + rng.randint(1, 3)]
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(data)


def test_any_bytes_give_points_or_a_data_file_error(tmp_path):
    """A fuzz property (hypothesis is not installed): whatever the bytes, the reader returns
    well-formed points or raises DataFileError with one line, never another exception."""
    rng = random.Random(11)
    path = tmp_path / "fuzz.csv"
    outcomes = {"points": 0, "refused": 0, "header alone": 0}
    for _ in range(400):
        data = _mutations(rng)
        path.write_bytes(data)
        try:
            xy, labels = load_csv(path)
        except DataFileError as error:
            assert "\n" not in str(error) and "\r" not in str(error), data
            outcomes["refused"] += 1
            continue
        assert xy.shape == (len(labels), 2), data  # a header alone is a set of no points
        assert np.all(np.isfinite(xy)) and set(labels.tolist()) <= {0, 1}, data
        outcomes["points" if len(labels) else "header alone"] += 1
    # both paths were really exercised
    assert min(outcomes["points"], outcomes["refused"]) > 20, outcomes


def test_a_huge_bad_cell_gives_a_short_message(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("x,y,label\n1," + "a" * 100_000 + ",0\n")
    with pytest.raises(DataFileError, match=r":2: y is not a number: 'a+\.\.\.'$") as caught:
        load_csv(path)
    assert len(str(caught.value)) < len(str(path)) + 80


@pytest.mark.parametrize("text", ["x,y,label\n", "# made by hand\n\nx,y,label\n\n"])
def test_a_header_alone_is_no_points_as_the_window_saves_them(tmp_path, text):
    """Saving an empty set writes just the header; opening it gives the empty set back."""
    path = tmp_path / "empty.csv"
    path.write_text(text, encoding="utf-8")
    xy, labels = load_csv(path)
    assert xy.shape == (0, 2) and labels.shape == (0,)
    save_csv(path, xy, labels)
    assert [a.shape for a in load_csv(path)] == [(0, 2), (0,)]


def _outcome(path: Path):
    try:
        xy, labels = load_csv(path)
    except DataFileError as error:
        return str(error)
    return xy.tolist(), labels.tolist(), str(xy.dtype), str(labels.dtype)


@pytest.mark.parametrize("name", list(DIALECTS))
def test_the_fast_reader_gives_what_the_careful_one_gives(tmp_path, name, monkeypatch):
    """Big files go through NumPy's C parser (``_parse_fast``, seven times faster); it must
    read every dialect exactly as the careful cell-by-cell reader does."""
    import core.csv_io

    path = tmp_path / f"{name}.csv"
    DIALECTS[name](path)
    careful = _outcome(path)
    monkeypatch.setattr(core.csv_io, "_FAST_MIN_ROWS", 1)  # every file is "big"
    assert _outcome(path) == careful


def test_the_fast_reader_agrees_on_any_bytes(tmp_path, monkeypatch):
    """The same fuzz as above through the fast reader: the same points or the same message
    (a file it cannot take as is falls back to the careful reader)."""
    import core.csv_io

    rng = random.Random(12)
    path = tmp_path / "fuzz.csv"
    real_fast = core.csv_io._parse_fast
    read_fast: list[bool] = []  # per file the fast reader saw: did it take it?

    def watched(*args):
        result = real_fast(*args)
        read_fast.append(result is not None)
        return result

    monkeypatch.setattr(core.csv_io, "_parse_fast", watched)
    for _ in range(300):
        path.write_bytes(_mutations(rng))
        monkeypatch.setattr(core.csv_io, "_FAST_MIN_ROWS", 10**9)
        careful = _outcome(path)
        monkeypatch.setattr(core.csv_io, "_FAST_MIN_ROWS", 1)
        assert _outcome(path) == careful, path.read_bytes()
    assert sum(read_fast) > 20  # the fast reader really read many of them
