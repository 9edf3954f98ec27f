"""LibreOffice as a printer: an .xlsx converted to PDF the way a clerk's print would come out.

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
from pathlib import Path
from xml.sax.saxutils import escape

from wsjc_desktop.resources import resource_path

__all__ = ["SOFFICE", "xlsx_to_pdf"]

#: The LibreOffice binary, or None where it is not installed.
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

_ALIASES = {
    "FandolFang R": ("宋体", "SimSun", "NSimSun", "新宋体", "仿宋", "FangSong", "仿宋_GB2312"),
    "WenQuanYi Micro Hei": ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei"),
}


def _fonts_conf(folder: Path) -> Path:
    aliases = "".join(
        f"<alias binding='same'><family>{escape(name)}</family>"
        f"<prefer><family>{escape(font)}</family></prefer></alias>"
        for font, names in _ALIASES.items()
        for name in names
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


def xlsx_to_pdf(xlsx: Path, out_dir: Path, *, timeout: float = 180) -> Path:
    """Convert ``xlsx`` to ``out_dir/<stem>.pdf`` with LibreOffice; returns the PDF's path."""
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
                str(xlsx),
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    pdf = out_dir / f"{xlsx.stem}.pdf"
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice wrote no PDF for {xlsx}")
    return pdf
