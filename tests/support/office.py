"""LibreOffice as a printer: an .xlsx or .docx converted to PDF the way a clerk's print (or WPS)
would show it.

The conversion runs ``soffice --headless`` with a user profile of its own (parallel runs do not
collide) and a fontconfig set-up that adds the bundled fonts of ``resources/fonts/`` and maps the
Chinese font names a workbook asks for onto them (宋体 and 仿宋 onto FandolFang, the one bundled
serif face with all of GB2312; 黑体 onto WenQuanYi Micro Hei), so the render shows real Chinese
glyphs on a machine without CJK fonts and the PDF's text reads back as Chinese.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from wsjc_desktop.resources import resource_path

__all__ = ["SOFFICE", "to_pdf", "xlsx_to_pdf"]

#: The LibreOffice binary, or None where it is not installed.
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

_ALIASES = {
    "FandolFang R": ("宋体", "SimSun", "NSimSun", "新宋体", "仿宋", "FangSong", "仿宋_GB2312"),
    "WenQuanYi Micro Hei": ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei"),
    "LXGW WenKai": ("楷体", "KaiTi", "楷体_GB2312"),
}
#: Families set in the heavy serif stand-in (the .docx's titles and mastheads ask for these).
_HEAVY = ("方正小标宋简体", "方正小标宋_GBK", "小标宋")


def _fonts_conf(folder: Path) -> Path:
    aliases = "".join(
        f"<alias binding='same'><family>{escape(name)}</family>"
        f"<prefer><family>{escape(font)}</family></prefer></alias>"
        for font, names in _ALIASES.items()
        for name in names
    )
    aliases += "".join(
        f"<match target='pattern'><test name='family'><string>{escape(name)}</string></test>"
        "<edit name='family' mode='assign' binding='same'><string>Noto Serif CJK SC</string></edit>"
        "<edit name='weight' mode='assign'><const>bold</const></edit></match>"
        for name in _HEAVY
    )
    conf = folder / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        "<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
        f"<dir>{escape(str(resource_path('fonts')))}</dir>"
        f"<cachedir>{escape(str(folder / 'cache'))}</cachedir>"
        f"{aliases}</fontconfig>",
        encoding="utf-8",
    )
    return conf


def to_pdf(files: Sequence[Path], out_dir: Path, *, timeout: float = 600) -> list[Path]:
    """Convert .xlsx or .docx ``files`` to ``out_dir/<stem>.pdf`` with LibreOffice, in one run;
    returns the PDFs' paths in the same order."""
    if SOFFICE is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wsjc-lo-") as scratch:
        folder = Path(scratch)
        env = dict(os.environ, FONTCONFIG_FILE=str(_fonts_conf(folder)), HOME=str(folder))
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, files),
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    pdfs = [out_dir / f"{path.stem}.pdf" for path in files]
    for pdf, path in zip(pdfs, files, strict=True):
        if not pdf.is_file():
            raise RuntimeError(f"LibreOffice wrote no PDF for {path}")
    return pdfs


def xlsx_to_pdf(xlsx: Path, out_dir: Path, *, timeout: float = 180) -> Path:
    """Convert ``xlsx`` to ``out_dir/<stem>.pdf`` with LibreOffice; returns the PDF's path."""
    return to_pdf([xlsx], out_dir, timeout=timeout)[0]
