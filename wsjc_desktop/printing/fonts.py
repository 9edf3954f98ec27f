"""The fonts a slip is set in, and the per-character fallback that makes every character print.

A *role* is what GB/T 9704 asks for (body 仿宋, title 小标宋, headings 黑体/楷体); each role has a
chain of font files: the role's own font first (a file named in the settings, a Windows system
font, then a bundled stand-in), then the other roles' fonts (in Song-style text the Song and
Fangsong faces before the 楷体 and 黑体 ones), then two GBK-complete bundled faces. A character is
set in the first font of its role's chain whose cmap has it, so 王堃 prints even though 堃 is
outside the GB2312 fonts. Fonts are read on first use only, never at import time, and each file is read once
per process.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wsjc_desktop.errors import UserError

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

#: The roles a layout asks for. "song" (宋体) sets page numbers, as GB/T 9704 asks.
ROLES: tuple[str, ...] = ("fangsong", "xiaobiaosong", "hei", "kai", "song")

ROLE_LABELS: dict[str, str] = {
    "fangsong": "仿宋",
    "xiaobiaosong": "小标宋",
    "hei": "黑体",
    "kai": "楷体",
    "song": "宋体",
}

#: Windows system font files per role, best first: (file name, subfont index). 仿宋_GB2312 and
#: 方正小标宋简体 are what GB/T 9704 means; 方正 fonts are often installed for one user only.
_WINDOWS_FILES: dict[str, tuple[tuple[str, int], ...]] = {
    "fangsong": (
        ("仿宋_GB2312.ttf", 0),
        ("FS_GB2312.ttf", 0),
        ("FangSong_GB2312.ttf", 0),
        ("simfang.ttf", 0),
    ),
    "xiaobiaosong": (
        ("FZXBSJW.TTF", 0),
        ("方正小标宋简体.ttf", 0),
        ("FZXBSK.TTF", 0),
        ("方正小标宋_GBK.ttf", 0),
    ),
    "hei": (("simhei.ttf", 0),),
    "kai": (("楷体_GB2312.ttf", 0), ("simkai.ttf", 0)),
    "song": (("simsun.ttc", 0),),
}

#: Bundled stand-ins under resources/fonts/ per role (see resources/fonts/README.md). The Noto
#: Serif subsets hold only part of the hanzi (the bundle's size): NotoSerifSC-Bold GB2312's, and
#: NotoSerifSC-Regular those of GBK that FandolFang lacks, so it is the Song-style fallback.
_BUNDLED_FILES: dict[str, str] = {
    "fangsong": "FandolFang-Regular.ttf",
    "xiaobiaosong": "NotoSerifSC-Bold-subset.ttf",
    "hei": "wqy-microhei.ttc",
    "kai": "LXGWWenKai-Regular.ttf",
    "song": "NotoSerifSC-Regular-subset.ttf",
}

#: After a role's own fonts, the other roles' fonts in this order: a character missing from
#: Song-style text (仿宋, 宋体, 小标宋) comes from a Song- or Fangsong-style face where one has
#: it, the regular weights before the heavy title face, and from a 楷体 or 黑体 face only then.
_FALLBACK_ROLES: dict[str, tuple[str, ...]] = {
    "fangsong": ("song", "xiaobiaosong", "kai", "hei"),
    "song": ("fangsong", "xiaobiaosong", "kai", "hei"),
    "xiaobiaosong": ("song", "fangsong", "kai", "hei"),
    "kai": ("fangsong", "song", "xiaobiaosong", "hei"),
    "hei": ("song", "fangsong", "xiaobiaosong", "kai"),
}

#: The last resort of every chain: each covers all of GBK (tests/printing checks it).
_BUNDLED_FALLBACKS: tuple[str, ...] = ("LXGWWenKai-Regular.ttf", "wqy-microhei.ttc")

#: Title faces heavy enough for 小标宋 as they are (upper-case file-name parts); any other face
#: in that role is a light 宋体 stand-in that the layouts stroke a little.
_HEAVY_TITLE_FACES: tuple[str, ...] = ("FZXBS", "小标宋", "NOTOSERIFSC-BOLD")

#: Layout characters that need no glyph.
_NO_GLYPH_NEEDED = frozenset("\n\r\t")


class FontError(UserError):
    """A font file named in the settings cannot be used."""


@dataclass(eq=False)
class FontFace:
    """One font file (one face of a .ttc), read and registered with reportlab on first use."""

    path: Path
    subfont_index: int = 0
    _font: TTFont | None = field(default=None, init=False, repr=False)
    _failed: bool = field(default=False, init=False, repr=False)
    _cmap: Mapping[int, int] = field(default_factory=dict, init=False, repr=False)
    _widths: dict[str, float] = field(default_factory=dict, init=False, repr=False)

    @functools.cached_property
    def name(self) -> str:
        """The name reportlab knows this face by (unique per file and face)."""
        digest = hashlib.sha1(str(self.path).encode("utf-8")).hexdigest()[:6]
        stem = "".join(c for c in self.path.stem if c.isascii() and c.isalnum()) or "font"
        return f"WSJC-{stem}-{self.subfont_index}-{digest}"

    def load(self) -> TTFont | None:
        """The reportlab font, or None when the file is missing or unusable (logged once)."""
        if self._font is None and not self._failed:
            try:
                self._font = _read_font(self.name, self.path, self.subfont_index)
                self._cmap = self._font.face.charToGlyph
            except Exception as exc:  # a broken or CFF font must not stop printing: fall back
                log.warning("font %s (face %d) not usable: %s", self.path, self.subfont_index, exc)
                self._failed = True
        return self._font

    @property
    def usable(self) -> bool:
        return self.load() is not None

    def has(self, ch: str) -> bool:
        if self.load() is None:
            return False
        return bool(self._cmap.get(ord(ch)))  # glyph 0 is .notdef: a box, not the character

    def advance(self, ch: str) -> float:
        """The glyph's advance width in em (1.0 for a full-width hanzi)."""
        width = self._widths.get(ch)
        if width is None:
            font = self.load()
            assert font is not None
            width = self._widths[ch] = font.face.getCharWidth(ord(ch)) / 1000.0
        return width


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """The ToUnicode CMap of a font subset, each code written as UTF-16BE hex (PDF 32000-1
    §9.10.3): a character beyond the Basic Multilingual Plane (𠮷 U+20BB7) as its surrogate pair
    ``<D842DFB7>``. reportlab writes ``<20BB7>`` (odd-length hex, no surrogates), so such a
    character was drawn but copied out of the PDF as “吉₻”."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(code)}>" for i, code in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def _read_font(name: str, path: Path, subfont_index: int) -> TTFont:
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    # reportlab looks the function up in its module when it writes a subset: ours takes its place
    ttfonts.makeToUnicodeCMap = to_unicode_cmap

    try:
        return pdfmetrics.getFont(name)
    except KeyError:
        pass
    # shapable=False: Chinese needs no shaping, and a later uharfbuzz install must not change output
    font = TTFont(name, str(path), subfontIndex=subfont_index, shapable=False)
    pdfmetrics.registerFont(font)
    return font


class FontSet:
    """The fonts of one process's printing: a fallback chain per role.

    Build it with :meth:`load`; the layouts ask :meth:`face_for` which font sets a character.
    """

    def __init__(self, chains: Mapping[str, Iterable[FontFace]], overrides: Iterable[FontFace] = ()) -> None:
        self._overrides = frozenset(overrides)
        self._chains: dict[str, tuple[FontFace, ...]] = {role: tuple(faces) for role, faces in chains.items()}
        for role in ROLES:
            self._chains.setdefault(role, self._chains.get("fangsong", ()))
        self._lookup: dict[str, dict[str, FontFace | None]] = {role: {} for role in self._chains}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, overrides: Mapping[str, str] | None = None) -> FontSet:
        """The process's font set for these settings (read once; cheap to call again).

        ``overrides`` maps a role ("fangsong", "xiaobiaosong", "hei", "kai", "song") to a font
        file chosen in the settings; it goes first in that role's chain. A file that cannot be
        used raises :class:`FontError` naming it.
        """
        key = tuple(sorted((overrides or {}).items()))
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
            if cached is None:
                cached = _CACHE[key] = cls._build(dict(key))
            return cached

    @classmethod
    def _build(cls, overrides: Mapping[str, str]) -> FontSet:
        faces: dict[tuple[Path, int], FontFace] = {}

        def face(path: Path, index: int = 0) -> FontFace:
            return faces.setdefault((path, index), FontFace(path, index))

        chosen: dict[str, list[FontFace]] = {}
        chosen_faces: list[FontFace] = []
        for role, value in overrides.items():
            if role not in ROLES:
                raise FontError(f"未知的字体用途“{role}”。", field="fonts")
            if not value:
                continue
            path = Path(value).expanduser()
            candidate = face(path, 0)
            if not path.is_file() or not candidate.usable:
                raise FontError(
                    f"{ROLE_LABELS[role]}字体文件“{path}”无法使用（文件不存在，或不是 TrueType 字体）。",
                    field="fonts",
                )
            chosen[role] = [candidate]
            chosen_faces.append(candidate)
        system = _system_font_dir()
        for role in ROLES:
            primary = chosen.setdefault(role, [])
            if system is not None:
                for name, index in _WINDOWS_FILES[role]:
                    found = _find_in(system, name)
                    if found is not None:
                        primary.append(face(found, index))
        bundled = _bundled_dir()
        own = {role: [*chosen[role], face(bundled / _BUNDLED_FILES[role])] for role in ROLES}
        chains: dict[str, list[FontFace]] = {}
        for role in ROLES:
            chain = [*own[role]]
            for other in _FALLBACK_ROLES[role]:
                chain.extend(own[other])
            chain.extend(face(bundled / name) for name in _BUNDLED_FALLBACKS)
            chains[role] = list(dict.fromkeys(chain))  # FontFace hashes by identity: one entry per file
        return cls(chains, overrides=chosen_faces)

    def chain(self, role: str) -> tuple[FontFace, ...]:
        return self._chains[role]

    def primary(self, role: str) -> FontFace:
        """The role's own font: the first usable one of its chain."""
        for candidate in self._chains[role]:
            if candidate.usable:
                return candidate
        raise FontError(f"找不到可用的{ROLE_LABELS.get(role, role)}字体。", field="fonts")

    def is_bundled(self, role: str) -> bool:
        """True when the role is set in a bundled stand-in rather than a system or chosen font."""
        return self.primary(role).path.parent == _bundled_dir()

    def needs_emboldening(self) -> bool:
        """True when titles stand in a thin 宋体 for the heavy 小标宋 (so the layouts stroke them
        a little); 方正小标宋, the bundled Noto Serif SC Bold or a font chosen in the settings is
        used as it is."""
        face = self.primary("xiaobiaosong")
        if face in self._overrides:
            return False
        name = face.path.name.upper()
        return not any(mark in name for mark in _HEAVY_TITLE_FACES)

    def face_for(self, role: str, ch: str) -> FontFace | None:
        """The font that sets ``ch`` in this role, or None when no font has it."""
        table = self._lookup[role]
        try:
            return table[ch]
        except KeyError:
            pass
        with self._lock:
            found = next((f for f in self._chains[role] if f.has(ch)), None)
            if found is None and (ch.isspace() or ch in _NO_GLYPH_NEEDED):
                found = self.primary(role)  # spaces only move the pen
            table[ch] = found
            return found

    def covers(self, ch: str) -> bool:
        return ch in _NO_GLYPH_NEEDED or self.face_for("fangsong", ch) is not None


_CACHE: dict[tuple[tuple[str, str], ...], FontSet] = {}
_CACHE_LOCK = threading.Lock()


def _bundled_dir() -> Path:
    from wsjc_desktop.resources import resource_path

    return resource_path("fonts")


def _system_font_dir() -> Path | None:
    if sys.platform != "win32":
        return None
    windir = Path(os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows")
    return windir / "Fonts"


def _find_in(system: Path, name: str) -> Path | None:
    """A Windows font file, system-wide or installed for this user only (方正 fonts often are)."""
    for folder in (system, _user_font_dir()):
        if folder is not None and (folder / name).is_file():
            return folder / name
    return None


def _user_font_dir() -> Path | None:
    local = os.environ.get("LOCALAPPDATA")
    return Path(local) / "Microsoft" / "Windows" / "Fonts" if local else None


def unprintable(texts: Iterable[str], fonts: FontSet) -> list[str]:
    """The distinct characters of ``texts`` no font has, in order of first appearance."""
    seen: set[str] = set()
    missing: list[str] = []
    for text in texts:
        for ch in text:
            if ch in seen:
                continue
            seen.add(ch)
            if not fonts.covers(ch):
                missing.append(ch)
    return missing
