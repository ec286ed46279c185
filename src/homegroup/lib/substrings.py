"""Which of many texts contain a piece of text, case-insensitively, without reading them all.

A search keyword matches a meeting when its name, location, notes or group contains it (what
SQL's ``icontains`` does, with Python's ``str.lower`` for the case). Scanning every text of a
national directory costs milliseconds; here each distinct text is split into words (maximal
runs of ``\\w`` characters, lowercased), and the vocabulary — far smaller than the texts — is
kept as one string:

- a keyword made only of word characters can only occur inside one word of a text, so the texts
  that contain it are exactly the texts of the vocabulary words that contain it;
- a keyword with spaces or punctuation: each of its words must lie inside some word of a
  matching text, so those texts are candidates, each then checked with ``in``;
- a keyword with no word character at all ("&", "-"): every text is checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Int64s = npt.NDArray[np.int64]

_WORD = re.compile(r"\w+")
_SEPARATOR = "\n"  # not a word character: no word of the vocabulary contains it


class SubstringIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        self._lowered = [text.lower() for text in texts]
        vocabulary: dict[str, int] = {}
        word_ids: list[int] = []
        text_ids: list[int] = []
        for text_id, lowered in enumerate(self._lowered):
            for word in set(_WORD.findall(lowered)):
                word_ids.append(vocabulary.setdefault(word, len(vocabulary)))
                text_ids.append(text_id)
        words = list(vocabulary)  # in id order
        self._words = _SEPARATOR.join(words)
        lengths = np.fromiter((len(word) + 1 for word in words), dtype=np.int64, count=len(words))
        self._word_starts = np.cumsum(lengths) - lengths
        by_word = np.asarray(word_ids, dtype=np.int64)
        order = np.argsort(by_word, kind="stable")
        self._texts_by_word = np.asarray(text_ids, dtype=np.int64)[order]
        self._word_offsets = np.concatenate(
            ([0], np.cumsum(np.bincount(by_word, minlength=len(words))))
        ).astype(np.int64)

    def __len__(self) -> int:
        return len(self._lowered)

    @property
    def nbytes(self) -> int:
        """Memory held, roughly: the arrays, the vocabulary and the lowered texts."""
        strings = sum(len(text) for text in self._lowered) + len(self._words)
        arrays = self._word_starts.nbytes + self._texts_by_word.nbytes + self._word_offsets.nbytes
        return strings + arrays + 56 * len(self._lowered)

    def _words_containing(self, piece: str) -> Int64s:
        found: list[int] = []
        position = self._words.find(piece)
        while position >= 0:
            found.append(position)
            # One hit per word is enough: go on from the next word.
            end = self._words.find(_SEPARATOR, position + len(piece))
            if end < 0:
                break
            position = self._words.find(piece, end + 1)
        positions = np.asarray(found, dtype=np.int64)
        return np.searchsorted(self._word_starts, positions, "right") - 1

    def _texts_with_word_containing(self, piece: str) -> Int64s:
        words = self._words_containing(piece)
        if len(words) == 0:
            return np.zeros(0, dtype=np.int64)
        starts = self._word_offsets[words]
        counts = self._word_offsets[words + 1] - starts
        run_starts = np.cumsum(counts) - counts
        positions = np.repeat(starts - run_starts, counts) + np.arange(
            int(counts.sum()), dtype=np.int64
        )
        return np.unique(self._texts_by_word[positions])

    def find(self, text: str) -> Int64s:
        """The ids (positions in ``texts``) of the texts that contain ``text``, sorted."""
        wanted = text.lower()
        pieces = _WORD.findall(wanted)
        if not pieces:
            candidates: Sequence[int] | Int64s = range(len(self._lowered))
        elif pieces == [wanted]:
            return self._texts_with_word_containing(wanted)
        else:
            found = self._texts_with_word_containing(max(pieces, key=len))
            candidates = found
        return np.asarray(
            [text_id for text_id in candidates if wanted in self._lowered[text_id]],
            dtype=np.int64,
        )
