"""Chapter 12's corpus: the frozen file, its fixed split and its character vocabulary."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest

from lstm_tutorial import data

CORPUS_SHA256 = "d6c9ff26b44385746cee20deaf543ad394899738b28ea088c61a8c3f065c78cd"


def _file_text() -> str:
    return resources.files("lstm_tutorial").joinpath("datasets", data.CHAR_CORPUS_FILE).read_text(encoding="utf-8")


def test_the_corpus_file_is_frozen():
    raw = resources.files("lstm_tutorial").joinpath("datasets", data.CHAR_CORPUS_FILE).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == CORPUS_SHA256
    text = raw.decode("utf-8")
    assert len(text) == 265_005
    assert text.startswith("# ==== lstm_tutorial/__init__.py ====\n")
    assert text.count("\n# ==== lstm_tutorial/") == 15  # 16 modules, each after its header line


def test_the_split_is_the_file_cut_once_by_position():
    train_text, valid_text = data.load_char_corpus()
    assert train_text + valid_text == _file_text()
    assert len(valid_text) == round(0.1 * 265_005) == 26_500
    assert (train_text, valid_text) == data.load_char_corpus()  # fixed, no randomness
    t2, v2 = data.load_char_corpus(0.25)
    assert len(v2) == round(0.25 * 265_005) and t2 + v2 == _file_text()


@pytest.mark.parametrize("bad, err", [(0.0, ValueError), (1.0, ValueError), (-0.1, ValueError), ("0.1", TypeError), (True, TypeError)])
def test_bad_valid_fraction_is_refused_by_name(bad, err):
    with pytest.raises(err, match="valid_fraction"):
        data.load_char_corpus(bad)


def test_vocab_is_sorted_distinct_and_covers_both_parts():
    train_text, valid_text = data.load_char_corpus()
    vocab = data.char_vocab(train_text + valid_text)
    assert vocab == sorted(set(vocab)) and len(vocab) == 98
    assert all(len(c) == 1 for c in vocab)
    ids = data.encode_tokens(list(valid_text), vocab)
    assert "".join(data.decode_tokens(ids, vocab)) == valid_text
    assert set(train_text) | set(valid_text) == set(vocab)
    assert data.char_vocab("banana") == ["a", "b", "n"]
    np.testing.assert_array_equal(data.encode_tokens(list("banana"), data.char_vocab("banana")), [1, 0, 2, 0, 2, 0])


def test_vocab_refuses_bad_text_by_name():
    with pytest.raises(TypeError, match="text"):
        data.char_vocab(["a", "b"])
    with pytest.raises(ValueError, match="text"):
        data.char_vocab("")
