"""Regenerate docs/ledgers/: page 1 of every ledger as LibreOffice prints it.

python scripts/render_ledgers.py [KEY ...]

Needs LibreOffice (``soffice``) and poppler (``pdftoppm``). Exports each ledger from a fresh demo
database (the data of tests/excel/test_ledger_print.py), converts it to PDF the way the test
does (the bundled fonts stand in for 宋体 and 黑体), writes page 1 as docs/ledgers/KEY.png at
80 dpi and prints each ledger's pages and its smallest character size.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from tests.support.office import xlsx_to_pdf  # noqa: E402
from wsjc_desktop.services.demo import generate_demo  # noqa: E402
from wsjc_desktop.services.ledgers import LEDGERS, export_ledger  # noqa: E402
from wsjc_desktop.storage.database import Database, open_database  # noqa: E402

OUT = ROOT / "docs" / "ledgers"
TODAY = date(2026, 6, 15)
YEAR = 2026


def render(db: Database, key: str, folder: Path) -> str:
    xlsx = folder / f"{key}.xlsx"
    export_ledger(db, key, xlsx, year=YEAR if LEDGERS[key].dated else None, today=TODAY)
    pdf = xlsx_to_pdf(xlsx, folder / key)
    png = ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(OUT / key)]
    subprocess.run(png, check=True)
    with pdfplumber.open(pdf) as doc:
        smallest = min(c["size"] for page in doc.pages for c in page.chars)
        return f"{key:9} {len(doc.pages):3} pages, smallest text {smallest:.1f} pt"


def main(keys: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wsjc-ledgers-") as scratch:
        folder = Path(scratch)
        db = open_database(folder / "demo.db")
        try:
            generate_demo(db, scale=1, seed=1, today=TODAY)
            with ThreadPoolExecutor(max_workers=4) as pool:
                for line in pool.map(lambda key: render(db, key, folder), keys):
                    print(line)
        finally:
            db.dispose()


if __name__ == "__main__":
    main(sys.argv[1:] or list(LEDGERS))
