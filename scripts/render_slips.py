"""Regenerate docs/slips/: every kind of letter and form from the demo data, from both engines.

python scripts/render_slips.py

For each kind it picks the demo's longest document, prints it as PDF (reportlab) and as .docx
converted by LibreOffice (the bundled fonts standing in for the ones named, as in the tests),
and writes ``docs/slips/<kind>.png`` and ``docs/slips/docx-<kind>.png``: the pages side by side
at 50 dpi. Needs LibreOffice (``soffice``) and poppler (``pdftoppm``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tests.support.office import to_pdf  # noqa: E402
from wsjc_desktop.domain import models as m  # noqa: E402
from wsjc_desktop.printing import docx, slips  # noqa: E402
from wsjc_desktop.services import printing  # noqa: E402
from wsjc_desktop.services.demo import generate_demo  # noqa: E402
from wsjc_desktop.storage.database import open_database  # noqa: E402

OUT = ROOT / "docs" / "slips"
TODAY = date(2026, 11, 30)
ENGINES = {  # kind → (reportlab, docx)
    "talk": (slips.render_talk, docx.render_talk),
    "meeting": (slips.render_meeting, docx.render_meeting),
    "opinion_reply": (slips.render_opinion_reply, docx.render_opinion_reply),
}


def documents(folder: Path) -> dict[str, Any]:
    """The longest document of each kind in a fresh demo database (by the PDF's size)."""
    db = open_database(folder / "demo.db")
    generate_demo(db, scale=1, seed=1, today=TODAY)
    found: dict[str, list[Any]] = {}
    with db.read() as uow:
        s = uow.session
        group = printing._group_name(s)
        for notice in s.scalars(select(m.AlertNotice).where(m.AlertNotice.deleted_at.is_(None))):
            values = printing.notice_values(s, notice, group)
            found.setdefault(values.kind, []).append(values)
        for opinion in s.scalars(select(m.IntegrityOpinion).limit(40)):
            found.setdefault("opinion_reply", []).append(printing.opinion_values(s, opinion, group))
        for talk in s.scalars(select(m.Talk).limit(80)):
            found.setdefault("talk", []).append(printing.talk_values(s, talk, group))
        for meeting in s.scalars(select(m.Meeting).limit(40)):
            found.setdefault("meeting", []).append(printing.meeting_values(s, meeting, group))
        cadre_id = s.scalars(select(m.Cadre.id).order_by(m.Cadre.id)).first()
    assert cadre_id is not None
    (folder / "docx").mkdir()
    printing.print_file(db, cadre_id, folder / "dossier.pdf", today=TODAY)  # 廉政档案: by the service
    printing.print_file(db, cadre_id, folder / "docx" / "docx-dossier.docx", today=TODAY)
    db.dispose()

    def length(kind: str, values: Any) -> int:
        path = folder / "measure.pdf"
        ENGINES.get(kind, (slips.render_notice, docx.render_notice))[0](values, path)
        return path.stat().st_size

    return {kind: max(items, key=lambda v: length(kind, v)) for kind, items in sorted(found.items())}


def sheet(pdf: Path, png: Path) -> None:
    """The PDF's pages side by side, at 50 dpi."""
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(stem)], check=True)
    pages = sorted(pdf.parent.glob(f"{stem.name}-*.png"))
    images = [Image.open(p).convert("RGB") for p in pages]
    width = sum(i.width for i in images) + 8 * (len(images) - 1)
    out = Image.new("RGB", (width, max(i.height for i in images)), (128, 128, 128))
    x = 0
    for image in images:
        out.paste(image, (x, 0))
        x += image.width + 8
    out.save(png, optimize=True)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        chosen = documents(folder)
        docx_files = [folder / "docx" / "docx-dossier.docx"]
        for kind, values in chosen.items():
            pdf_engine, docx_engine = ENGINES.get(kind, (slips.render_notice, docx.render_notice))
            pdf_engine(values, folder / f"{kind}.pdf")
            docx_files.append(folder / "docx" / f"docx-{kind}.docx")
            docx_engine(values, docx_files[-1])
        for pdf in to_pdf(docx_files, folder / "docx"):
            sheet(pdf, OUT / f"{pdf.stem}.png")
        for kind in [*chosen, "dossier"]:
            sheet(folder / f"{kind}.pdf", OUT / f"{kind}.png")
            print(f"{kind}: docs/slips/{kind}.png, docs/slips/docx-{kind}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
