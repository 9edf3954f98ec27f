"""Build resources/words/words.txt.xz, the word list titles are broken by, from jieba's dictionary.

jieba (MIT licence) ships a dictionary of about 349,000 words with their frequencies in a large
corpus. The program needs only word boundaries, so it takes the words of up to ``MAX_LENGTH``
characters seen at least ``MIN_FREQUENCY`` times (about 348,000: 1.2 MB compressed, each
frequency kept to half a natural-log step) and leaves jieba itself out of the bundle.
Run after ``pip install jieba``::

    python scripts/build_words.py
"""

from __future__ import annotations

import lzma
import math
import sys
from pathlib import Path

MIN_FREQUENCY = 1
MAX_LENGTH = 8
#: Frequencies are kept to a half step of their natural log: ample for finding boundaries.
BUCKETS_PER_E = 2
OUT = Path(__file__).resolve().parent.parent / "resources" / "words" / "words.txt.xz"


def main() -> int:
    import jieba

    source = Path(jieba.__file__).parent / "dict.txt"
    buckets: dict[int, list[str]] = {}
    total = 0
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            word, frequency, *_ = line.split()
            count = int(frequency)
            if count >= MIN_FREQUENCY and len(word) <= MAX_LENGTH:
                buckets.setdefault(round(math.log(count) * BUCKETS_PER_E), []).append(word)
                total += count
    # a header, then one line per bucket: “bucket<TAB>word word …”
    text = f"#total {total} per_e {BUCKETS_PER_E}\n" + "".join(
        f"{bucket}\t{' '.join(sorted(words))}\n" for bucket, words in sorted(buckets.items())
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))
    count = sum(map(len, buckets.values()))
    print(f"{count} words → {OUT} ({OUT.stat().st_size} bytes), from jieba {jieba.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
