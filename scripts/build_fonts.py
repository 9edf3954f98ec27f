"""Rebuild the TrueType stand-ins in resources/fonts/ from Debian's CFF fonts.

    python scripts/build_fonts.py [--check]

reportlab embeds TrueType (``glyf``) fonts only, and the free 仿宋 and heavy 宋体 faces are CFF
(OpenType-PS). This script converts their cubic outlines to quadratic ones (fontTools' cu2qu,
the ``otf2ttf`` recipe), keeps the characters a slip can need (ASCII, Latin-1 signs, general and
CJK punctuation, full-width forms and GBK's other signs, and the hanzi listed below) and drops
what reportlab never reads (OpenType layout, vertical metrics, hinting). FandolFang's hanzi are
raised to the middle of the em box, where the other faces have theirs. The output is
reproducible: the same source files give the same bytes.

Sources (Debian bookworm; ``apt-get install texlive-lang-chinese fonts-noto-cjk``):

- FandolFang-Regular.otf (texlive-lang-chinese; GPL-3 with the font exception) → the 仿宋 role:
  every GBK hanzi it has (all of GB2312 and about 1,300 more);
- NotoSerifCJK-Bold.ttc, face "Noto Serif CJK SC" (fonts-noto-cjk; SIL OFL 1.1) → the 小标宋
  role (titles): GB2312's hanzi;
- NotoSerifCJK-Regular.ttc, face "Noto Serif CJK SC" → the 宋体 role (page numbers) and the
  Song-style fallback of Song and 仿宋 text: the GBK hanzi FandolFang lacks (堃, 喆, 珺 …).

The hanzi are split so the one-folder bundle stays under 200 MB (see resources/fonts/README.md).

``--check`` rebuilds into a temporary folder and fails unless the files match the committed ones.
Needs fontTools (``pip install fonttools``).
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fontTools import subset
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts"

#: Largest distance, in font units (1000 per em), of a quadratic outline from the cubic one:
#: 2 units are 0.016 mm at 22 pt, below what a 1200 dpi printer resolves (0.021 mm), and save
#: 7 % of the size against 1 unit.
MAX_ERR = 2.0

#: The middle of the ideographic em box (−120 … 880 units), where Song, Hei and Kai faces centre
#: their hanzi and where the layouts expect them (printing/layout.ASCENT).
EM_BOX_CENTRE = 380

#: Full-width marks drawn centred on the hanzi (brackets, quotes, 〇, dashes): they move with
#: them. Marks set on the baseline (，。、) and Latin letters and digits stay where they are.
CENTRED_MARKS = frozenset("（）《》〈〉〔〕【】「」『』〖〗［］｛｝“”‘’〇…—―·・")

#: Characters that GB fonts (宋体, 仿宋) set full width and Noto CJK proportionally by default.
FULL_WIDTH = "—―·‖"

#: Tables reportlab reads, and those fontTools needs to write a valid font; all others go.
KEPT_TABLES = ("head", "hhea", "maxp", "OS/2", "hmtx", "cmap", "name", "post", "glyf", "loca")


@dataclass(frozen=True)
class Source:
    """One font to convert: where Debian puts it, which face of a collection, where it goes."""

    package: str
    file_name: str
    family: str  # the face's family name in the collection (a .ttc holds JP, KR, SC, TC, HK)
    output: str
    hanzi: Literal["gbk", "gb2312"] = "gbk"
    missing_from: str | None = None  # keep only the hanzi that this (earlier) output lacks
    centre: bool = False  # move the hanzi to the middle of the em box (see centring_shift)
    gb_widths: bool = False  # GB font widths: half-width ASCII, full-width dashes (see use_gb_widths)


SOURCES: tuple[Source, ...] = (
    Source(
        "texlive-lang-chinese",
        "FandolFang-Regular.otf",
        "FandolFang R",
        "FandolFang-Regular.ttf",
        centre=True,
    ),
    Source(
        "fonts-noto-cjk",
        "NotoSerifCJK-Bold.ttc",
        "Noto Serif CJK SC",
        "NotoSerifSC-Bold-subset.ttf",
        hanzi="gb2312",
        gb_widths=True,
    ),
    Source(
        "fonts-noto-cjk",
        "NotoSerifCJK-Regular.ttc",
        "Noto Serif CJK SC",
        "NotoSerifSC-Regular-subset.ttf",
        missing_from="FandolFang-Regular.ttf",
        gb_widths=True,
    ),
)


def gbk_characters() -> list[str]:
    """Every character GBK encodes in two bytes (GB2312's hanzi and signs among them)."""
    out = []
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):  # unassigned code points
                out.append(bytes((lead, trail)).decode("gbk"))
    return out


def is_hanzi(code: int) -> bool:
    name = unicodedata.name(chr(code), "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def wanted_code_points(source: Source, folder: Path) -> set[int]:
    """The characters a slip can hold, less the hanzi ``source`` leaves to another font; each
    font keeps those of them it has."""
    ranges = (
        (0x20, 0x7E),  # ASCII
        (0xA0, 0xFF),  # Latin-1 signs: · × ÷ ° §
        (0x2000, 0x206F),  # general punctuation: — … ‘ ’ “ ”
        (0x2100, 0x218F),  # letterlike forms, number forms: № Ⅻ
        (0x2190, 0x21FF),  # arrows
        (0x2460, 0x24FF),  # enclosed numbers: ① ⑴ ⒈
        (0x2500, 0x25FF),  # box drawing, geometric shapes: □ ○ ■ ●
        (0x3000, 0x303F),  # CJK punctuation: 。、「」〔〕
        (0x3200, 0x32FF),  # enclosed CJK: ㈠
        (0xFF00, 0xFFEF),  # full-width forms: ，：（）０-９
    )
    points = {p for low, high in ranges for p in range(low, high + 1)}
    encoding = "gbk" if source.hanzi == "gbk" else "gb2312"
    for ch in gbk_characters():
        code = ord(ch)
        if not is_hanzi(code) or ch.encode(encoding, errors="ignore"):
            points.add(code)
    if source.missing_from is not None:
        other = TTFont(str(folder / source.missing_from)).getBestCmap()
        points = {code for code in points if not (is_hanzi(code) and code in other)}
    return points


def find_source(source: Source) -> Path:
    """The source file as the Debian package installed it (dpkg -L)."""
    try:
        listing = subprocess.run(
            ["dpkg", "-L", source.package], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        listing = []
    for line in listing:
        if line.endswith("/" + source.file_name):
            return Path(line)
    sys.exit(f"{source.file_name} not found: apt-get install {source.package}")


def open_face(path: Path, family: str) -> TTFont:
    """The face named ``family`` of a font file or collection."""
    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path)).fonts:
            if font["name"].getDebugName(1) == family:
                return font
        sys.exit(f"no face {family!r} in {path}")
    return TTFont(str(path))


def use_gb_widths(font: TTFont) -> None:
    """Map ASCII to the face's half-width glyphs (its ``hwid`` feature) and the dashes to the
    full-width ones (``fwid``), as in 宋体 and 仿宋: Noto's proportional space is a quarter em,
    so the page number “— 1 —” closed up to “—1—”. The layout features themselves are dropped."""
    gsub = font["GSUB"].table
    features: dict[str, set[int]] = {}
    for record in gsub.FeatureList.FeatureRecord:
        features.setdefault(record.FeatureTag, set()).update(record.Feature.LookupListIndex)

    def single_substitutions(tag: str) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for index in sorted(features.get(tag, ())):
            lookup = gsub.LookupList.Lookup[index]
            for table in lookup.SubTable:
                table = table.ExtSubTable if lookup.LookupType == 7 else table
                mapping.update(getattr(table, "mapping", {}))
        return mapping

    half, full = single_substitutions("hwid"), single_substitutions("fwid")
    for table in font["cmap"].tables:
        if not table.isUnicode():
            continue
        for code, name in list(table.cmap.items()):
            swap = half if 0x20 <= code <= 0x7E else full if chr(code) in FULL_WIDTH else {}
            table.cmap[code] = swap.get(name, name)


def subset_font(font: TTFont, code_points: Iterable[int]) -> None:
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.glyph_names = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "meta"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)


def centring_shift(font: TTFont) -> tuple[int, set[str]]:
    """How far to raise the hanzi and centred marks of ``font``, and their glyphs.

    The Fandol fonts centre their hanzi 70 units (0.07 em) below the other faces, so a line of
    仿宋 sat 0.4 mm low in its grid line and a fallback character from another face stood above
    its neighbours. The shift is the distance of the GB2312 hanzi's mean vertical centre from
    :data:`EM_BOX_CENTRE`.
    """
    cmap = font.getBestCmap()
    glyph_set = font.getGlyphSet()
    centres = []
    for ch in gbk_characters():
        name = cmap.get(ord(ch))
        if name is None or not is_hanzi(ord(ch)) or not ch.encode("gb2312", errors="ignore"):
            continue
        pen = BoundsPen(glyph_set)
        glyph_set[name].draw(pen)
        if pen.bounds is not None:
            centres.append((pen.bounds[1] + pen.bounds[3]) / 2)
    shift = round(EM_BOX_CENTRE - sum(centres) / len(centres))
    moved = {name for code, name in cmap.items() if is_hanzi(code) or chr(code) in CENTRED_MARKS}
    return shift, moved


def cff_to_glyf(font: TTFont, shift: int = 0, moved: set[str] | frozenset[str] = frozenset()) -> None:
    """Replace the CFF outlines by quadratic TrueType ones (fontTools' otf2ttf recipe), raising
    the ``moved`` glyphs by ``shift`` units."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # reverse_direction: CFF winds outer contours counter-clockwise, TrueType clockwise
        target = TransformPen(pen, (1, 0, 0, 1, 0, shift)) if shift and name in moved else pen
        glyph_set[name].draw(Cu2QuPen(target, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    del font["CFF "]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 3.0  # no glyph names: reportlab never reads them
    post.extraNames = []
    post.mapping = {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def build(source: Source, folder: Path) -> Path:
    started = time.monotonic()
    font = open_face(find_source(source), source.family)
    if source.gb_widths:
        use_gb_widths(font)
    subset_font(font, wanted_code_points(source, folder))
    shift, moved = centring_shift(font) if source.centre else (0, set())
    cff_to_glyf(font, shift, moved)
    for tag in list(font.keys()):
        if tag not in (*KEPT_TABLES, "GlyphOrder"):
            del font[tag]
    # a fixed timestamp keeps the output byte-for-byte reproducible
    font.recalcTimestamp = False
    font["head"].modified = font["head"].created
    out = folder / source.output
    font.save(str(out))
    size = out.stat().st_size / 1024 / 1024
    count = len(font.getBestCmap())
    raised = f", hanzi raised {shift} units" if shift else ""
    print(f"{out.name}: {count} characters{raised}, {size:.1f} MB ({time.monotonic() - started:.0f} s)")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail unless the committed files are current")
    args = parser.parse_args()
    if not args.check:
        for source in SOURCES:
            build(source, OUT)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        built = [build(source, Path(tmp)) for source in SOURCES]
        stale = [path.name for path in built if not filecmp.cmp(path, OUT / path.name, shallow=False)]
    if stale:
        print("out of date: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
