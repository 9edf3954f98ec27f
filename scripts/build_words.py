"""Build resources/words/words.txt.gz, the word list titles are broken by, from jieba's dictionary.

jieba (MIT licence) ships a dictionary of about 349,000 words with their frequencies in a large
corpus. The program needs only word boundaries, so it takes the words of up to ``MAX_LENGTH``
characters seen at least ``MIN_FREQUENCY`` times (about 348,000; 1.7 MB compressed) and leaves
jieba itself out of the bundle. Run after ``pip install jieba``::

    python scripts/build_words.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

MIN_FREQUENCY = 1
MAX_LENGTH = 8
OUT = Path(__file__).resolve().parent.parent / "resources" / "words" / "words.txt.gz"


def main() -> int:
    import jieba

    source = Path(jieba.__file__).parent / "dict.txt"
    kept = []
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            word, frequency, *_ = line.split()
            if int(frequency) >= MIN_FREQUENCY and len(word) <= MAX_LENGTH:
                kept.append(f"{word} {frequency}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same dictionary gives the same bytes
    OUT.write_bytes(gzip.compress(("\n".join(kept) + "\n").encode("utf-8"), 9, mtime=0))
    print(f"{len(kept)} words → {OUT} ({OUT.stat().st_size} bytes), from jieba {jieba.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
