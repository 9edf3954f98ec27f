"""Font roles, the per-character fallback chain, GBK coverage, settings overrides, lazy loading,
the bundled stand-ins (issue 18, point 6) and Song-style fallback (point 5)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.printing.conftest import Page
from wsjc_desktop.errors import UserError
from wsjc_desktop.printing.fonts import ROLES, FontError, FontFace, FontSet
from wsjc_desktop.printing.slips import unprintable_characters
from wsjc_desktop.resources import resource_path

FONTS = resource_path("fonts")
FANGSONG = "FandolFang-Regular.ttf"
TITLE = "NotoSerifSC-Bold-subset.ttf"
SONG = "NotoSerifSC-Regular-subset.ttf"
KAI = "LXGWWenKai-Regular.ttf"
HEI = "wqy-microhei.ttc"
#: The faces' PostScript names, as the PDF names them (after the subset tag “AAAAAA+”).
PDF_NAMES = {
    FANGSONG: "FandolFang-Regular",
    TITLE: "NotoSerifCJKsc-Bold",
    SONG: "NotoSerifCJKsc-Regular",
    KAI: "LXGWWenKai-Regular",
}
SONG_STYLE = {FANGSONG, TITLE, SONG}
KAI_STYLE = {KAI}


def gbk_characters() -> list[str]:
    """Every character GBK encodes in two bytes: decode all valid double-byte code points."""
    out = []
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):  # unassigned code points
                out.append(bytes((lead, trail)).decode("gbk"))
    return out


def gb2312_hanzi() -> list[str]:
    """GB2312's 6,763 hanzi (rows 16 to 87)."""
    return [bytes((lead, trail)).decode("gb2312") for lead in range(0xB0, 0xF8) for trail in range(0xA1, 0xFF)
            if (lead, trail) not in {(0xD7, t) for t in range(0xFA, 0xFF)}]  # fmt: skip


def is_hanzi(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def font_tables(path: Path) -> set[str]:
    from fontTools.ttLib import TTFont

    return set(TTFont(str(path), lazy=True).keys())


def test_every_gbk_character_prints() -> None:
    chars = gbk_characters()
    assert len(chars) > 21_000  # the whole of GBK, not a sample
    assert unprintable_characters(chars) == []


@pytest.mark.parametrize("role", ROLES)
def test_every_role_chain_covers_gbk(role: str) -> None:
    fonts = FontSet.load()
    missing = [ch for ch in gbk_characters() if fonts.face_for(role, ch) is None]
    assert missing == []


def test_bundled_fonts_fit_the_budget_and_carry_licences() -> None:
    """The one-folder bundle must stay under 200 MB (tests/test_bundle.py); the fonts are 35 MB of it."""
    total = sum(p.stat().st_size for p in FONTS.iterdir() if p.suffix.lower() in (".ttf", ".ttc"))
    assert total <= 35 * 1024 * 1024
    for name in ("LICENSE-fandol.txt", "LICENSE-noto-serif-cjk.txt", "LICENSE-lxgw-wenkai.txt"):
        assert (FONTS / name).stat().st_size > 4000
    assert "special exception, if you create a document which uses this font" in (
        FONTS / "LICENSE-fandol.txt"
    ).read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "LICENSE-noto-serif-cjk.txt").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("name", [FANGSONG, TITLE, SONG])
def test_the_converted_stand_ins_are_truetype(name: str) -> None:
    """reportlab embeds TrueType outlines only: scripts/build_fonts.py converts the CFF originals."""
    tables = font_tables(FONTS / name)
    assert {"glyf", "loca", "cmap", "hmtx"} <= tables
    assert "CFF " not in tables and "CFF2" not in tables
    assert FontFace(FONTS / name).usable


def test_the_stand_ins_cover_gb2312_and_together_gbk() -> None:
    fangsong, title, song = (FontFace(FONTS / name) for name in (FANGSONG, TITLE, SONG))
    hanzi = gb2312_hanzi()
    assert len(hanzi) == 6763
    assert [ch for ch in hanzi if not fangsong.has(ch)] == []
    assert [ch for ch in hanzi if not title.has(ch)] == []
    # the Regular subset holds the GBK hanzi FandolFang lacks: with it, Song-style text needs no 楷体
    gbk_hanzi = [ch for ch in gbk_characters() if is_hanzi(ch)]
    assert len(gbk_hanzi) > 20_000
    assert [ch for ch in gbk_hanzi if not (fangsong.has(ch) or song.has(ch))] == []
    for ch in "0123456789 —":  # page numbers: “— 1 —” with GB widths (half-width digits, full-width dash)
        assert song.has(ch)
    assert song.advance("1") == song.advance(" ") == 0.5
    assert song.advance("—") == 1.0


def test_each_role_has_its_own_font_first() -> None:
    fonts = FontSet.load()
    expected = {"fangsong": FANGSONG, "xiaobiaosong": TITLE, "hei": HEI, "kai": KAI}
    for role, name in expected.items():
        assert fonts.face_for(role, "中").path.name == name  # type: ignore[union-attr]
    assert fonts.primary("song").path.name == SONG
    assert fonts.face_for("song", "1").path.name == SONG  # type: ignore[union-attr]
    assert all(fonts.is_bundled(role) for role in ROLES)


def test_a_character_outside_gb2312_falls_back_to_a_font_that_has_it() -> None:
    fonts = FontSet.load()
    for ch in "堃喆珺":
        face = fonts.face_for("fangsong", ch)
        assert face is not None
        assert face.path.name != FANGSONG
        assert face.has(ch)


@pytest.mark.parametrize("role", ["fangsong", "song", "xiaobiaosong"])
def test_song_style_text_falls_back_to_song_faces_before_kai_faces(role: str) -> None:
    """Issue 18, point 5: 堃 is not in FandolFang; it comes from the Song-style Noto Serif SC,
    not from LXGW WenKai (楷体)."""
    fonts = FontSet.load()
    names = [face.path.name for face in fonts.chain(role)]
    last_song = max(names.index(name) for name in SONG_STYLE)
    first_kai = min(names.index(name) for name in KAI_STYLE)
    assert last_song < first_kai, names
    assert not FontFace(FONTS / FANGSONG).has("堃") and FontFace(FONTS / KAI).has("堃")
    for ch in "堃喆珺":
        assert fonts.face_for(role, ch).path.name == SONG  # type: ignore[union-attr]
    assert fonts.face_for("kai", "堃").path.name == KAI  # type: ignore[union-attr]  # 楷体 stays 楷体


def test_a_slip_without_windows_fonts_uses_the_bundled_fangsong_and_heavy_title(
    render: Callable[..., list[Page]],
) -> None:
    """Issue 18, point 6: body in FandolFang (仿宋), title in Noto Serif SC Bold (for 小标宋), not
    the thin AR PL SungtiL; a rare name in the body in the Song-style Noto Serif SC Regular."""
    from tests.printing import samples
    from wsjc_desktop.printing import slips

    assert not FontSet.load().needs_emboldening()  # heavy as it is: no stroked outline
    values = samples.notice(
        title="关于王堃同志有关问题的廉情抄告单",
        problems="王堃同志在公务接待中存在超标准接待问题。\n" + samples.PROBLEMS,
    )
    page = render(slips.render_notice, values)[0]

    def fonts_of(text: str) -> set[str]:
        return {ch.font.split("+")[-1] for ch in page.find(text)}

    assert fonts_of("有关问题的廉情抄告单") == {PDF_NAMES[TITLE]}
    assert fonts_of("同志在公务接待中存在超标准接待问题") == {PDF_NAMES[FANGSONG]}
    body_kun = page.find("王堃同志在")[1]
    assert body_kun.font.split("+")[-1] == PDF_NAMES[SONG]
    title_kun = page.find("关于王堃")[3]
    assert title_kun.font.split("+")[-1] == PDF_NAMES[SONG]  # beyond GB2312: the regular weight
    assert {ch.size for ch in page.find("王堃同志在")} == {16.0}


def test_fangsong_hanzi_sit_where_the_other_faces_have_theirs() -> None:
    """FandolFang drew its hanzi 0.07 em low: a line of 仿宋 sat 0.4 mm low in its grid line and a
    fallback character stood above its neighbours. scripts/build_fonts.py raises them to the middle
    of the em box (380 units), where Noto Serif, WenQuanYi and the layouts (ASCENT) have them."""
    from fontTools.ttLib import TTFont

    sample = gb2312_hanzi()[::20]

    def mean_centre(name: str) -> float:
        font = TTFont(str(FONTS / name), fontNumber=0)
        cmap, glyf = font.getBestCmap(), font["glyf"]
        scale = 1000 / font["head"].unitsPerEm
        centres = [
            (glyf[cmap[ord(ch)]].yMin + glyf[cmap[ord(ch)]].yMax) / 2 * scale
            for ch in sample
            if ord(ch) in cmap
        ]
        return sum(centres) / len(centres)

    assert mean_centre(FANGSONG) == pytest.approx(380, abs=10)
    assert mean_centre(TITLE) == pytest.approx(380, abs=10)
    assert mean_centre(HEI) == pytest.approx(mean_centre(FANGSONG), abs=30)


def test_private_use_and_emoji_are_reported_once_in_order() -> None:
    texts = ["王堃\ue000", "😀好\ue000", "\n"]
    assert unprintable_characters(texts) == ["\ue000", "😀"]


def test_load_is_cached_per_process() -> None:
    assert FontSet.load() is FontSet.load()
    assert FontSet.load({}) is FontSet.load(None)


def test_an_override_goes_first_in_its_role() -> None:
    path = str(FONTS / HEI)
    fonts = FontSet.load({"fangsong": path})
    assert fonts.face_for("fangsong", "中").path.name == HEI  # type: ignore[union-attr]
    assert fonts.face_for("kai", "中").path.name == KAI  # type: ignore[union-attr]
    assert not FontSet.load({"xiaobiaosong": path}).needs_emboldening()  # the user's choice, as it is


def test_only_a_light_title_face_is_emboldened() -> None:
    assert not FontSet.load().needs_emboldening()  # Noto Serif SC Bold
    light = FontSet({"xiaobiaosong": [FontFace(FONTS / SONG)]})  # e.g. the heavy subset went missing
    assert light.needs_emboldening()


def test_an_unusable_override_is_a_user_error_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all" * 100)
    with pytest.raises(FontError) as info:
        FontSet.load({"hei": str(broken)})
    assert isinstance(info.value, UserError)
    assert "broken.ttf" in info.value.message
    with pytest.raises(FontError):
        FontSet.load({"kai": str(tmp_path / "missing.ttf")})
    with pytest.raises(FontError):
        FontSet.load({"comic": str(FONTS / FANGSONG)})


def test_windows_system_fonts_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows, %WINDIR%\\Fonts\\simfang.ttf etc. are the roles' own fonts."""
    fonts_dir = windows_fonts(tmp_path, monkeypatch)
    # stand-ins with the Windows names (the real files are not on this machine)
    (fonts_dir / "simfang.ttf").symlink_to(FONTS / KAI)
    (fonts_dir / "simhei.ttf").symlink_to(FONTS / FANGSONG)
    (fonts_dir / "simsun.ttc").symlink_to(FONTS / HEI)
    fonts = FontSet._build({})
    assert fonts.face_for("fangsong", "中").path == fonts_dir / "simfang.ttf"  # type: ignore[union-attr]
    assert fonts.face_for("hei", "中").path == fonts_dir / "simhei.ttf"  # type: ignore[union-attr]
    assert fonts.face_for("song", "中").path == fonts_dir / "simsun.ttc"  # type: ignore[union-attr]
    # missing Windows fonts fall back to the bundled ones
    assert fonts.face_for("kai", "中").path.name == KAI  # type: ignore[union-attr]
    assert not fonts.is_bundled("fangsong")
    # no 方正小标宋: titles in the bundled heavy serif, not in a stroked 宋体 (simsun)
    assert fonts.face_for("xiaobiaosong", "中").path.name == TITLE  # type: ignore[union-attr]
    assert fonts.is_bundled("xiaobiaosong")
    assert not fonts.needs_emboldening()


def windows_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, user: bool = False) -> Path:
    """A fake %WINDIR%\\Fonts (or the user's own font folder) on a pretend Windows."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    system = tmp_path / "Windows" / "Fonts"
    own = tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    system.mkdir(parents=True, exist_ok=True)
    own.mkdir(parents=True, exist_ok=True)
    return own if user else system


def test_windows_prefers_fangsong_gb2312_then_fangsong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """仿宋_GB2312 is what GB/T 9704 names; 仿宋 (simfang.ttf, GBK) sets what it lacks, before any
    bundled face."""
    fonts_dir = windows_fonts(tmp_path, monkeypatch)
    (fonts_dir / "simfang.ttf").symlink_to(FONTS / KAI)  # has 堃
    (fonts_dir / "FS_GB2312.ttf").symlink_to(FONTS / TITLE)  # GB2312 only
    fonts = FontSet._build({})
    assert fonts.face_for("fangsong", "中").path == fonts_dir / "FS_GB2312.ttf"  # type: ignore[union-attr]
    assert fonts.face_for("fangsong", "堃").path == fonts_dir / "simfang.ttf"  # type: ignore[union-attr]
    (fonts_dir / "仿宋_GB2312.ttf").symlink_to(FONTS / FANGSONG)
    fonts = FontSet._build({})
    names = [face.path.name for face in fonts.chain("fangsong")]
    assert names[:4] == ["仿宋_GB2312.ttf", "FS_GB2312.ttf", "simfang.ttf", FANGSONG]
    assert fonts.face_for("fangsong", "中").path == fonts_dir / "仿宋_GB2312.ttf"  # type: ignore[union-attr]


def test_windows_prefers_fangzheng_xiaobiaosong_installed_for_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    windows_fonts(tmp_path, monkeypatch)
    own = windows_fonts(tmp_path, monkeypatch, user=True)
    (own / "方正小标宋简体.ttf").symlink_to(FONTS / SONG)
    fonts = FontSet._build({})
    assert fonts.primary("xiaobiaosong").path == own / "方正小标宋简体.ttf"
    assert not fonts.needs_emboldening()  # a real 方正小标宋 is used as it is
    (own / "FZXBSJW.TTF").symlink_to(FONTS / TITLE)
    fonts = FontSet._build({})
    names = [face.path.name for face in fonts.chain("xiaobiaosong")]
    assert names[:3] == ["FZXBSJW.TTF", "方正小标宋简体.ttf", TITLE]


def test_importing_the_printing_package_loads_neither_reportlab_nor_fonts() -> None:
    code = (
        "import sys\n"
        "import wsjc_desktop.printing.slips, wsjc_desktop.printing.fonts as f\n"
        "assert 'reportlab' not in sys.modules, 'reportlab imported at import time'\n"
        "assert f._CACHE == {}, 'fonts loaded at import time'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr


def test_characters_beyond_the_basic_plane_copy_out_as_printed(render: Callable[..., list[Page]]) -> None:
    """Issue 18, point 5: 𠮷 (U+20BB7) and 𬌗 (U+2C317) were drawn but extracted as “吉₻” and “ⰱ”:
    reportlab's ToUnicode map wrote ``<20BB7>``, not the UTF-16 surrogate pair."""
    from dataclasses import replace

    from tests.printing import samples
    from wsjc_desktop.printing import slips
    from wsjc_desktop.printing.fonts import to_unicode_cmap
    from wsjc_desktop.services.printing import TalkPerson

    assert "<01> <D842DFB7>" in to_unicode_cmap("F1", [0x20, 0x20BB7])
    assert "<00> <0020>" in to_unicode_cmap("F1", [0x20, 0x20BB7])
    values = replace(
        samples.talk(),
        persons=(TalkPerson("王𠮷", "区财政局", "副局长"),),
        reason="咬合𬌗面与𠮷字的王𠮷同志。",
    )
    text = "".join(page.text for page in render(slips.render_talk, values))
    assert "王𠮷" in text and "咬合𬌗面与𠮷字" in text.replace("\n", "")
    assert "₻" not in text and "ⰱ" not in text
