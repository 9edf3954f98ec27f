"""Font roles, the per-character fallback chain, GBK coverage, settings overrides, lazy loading."""

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
from wsjc_desktop.printing.fonts import ROLES, FontError, FontSet
from wsjc_desktop.printing.slips import unprintable_characters
from wsjc_desktop.resources import resource_path

FONTS = resource_path("fonts")


def gbk_characters() -> list[str]:
    """Every character GBK encodes in two bytes: decode all valid double-byte code points."""
    out = []
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):  # unassigned code points
                out.append(bytes((lead, trail)).decode("gbk"))
    return out


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
    total = sum(p.stat().st_size for p in FONTS.iterdir() if p.suffix.lower() in (".ttf", ".ttc"))
    assert total <= 35 * 1024 * 1024
    for name in ("LICENSE-arphic-gbsn00lp.txt", "LICENSE-arphic-gkai00mp.txt", "LICENSE-lxgw-wenkai.txt"):
        assert (FONTS / name).stat().st_size > 1000


def test_each_role_has_its_own_font_first() -> None:
    fonts = FontSet.load()
    assert fonts.face_for("fangsong", "中").path.name == "gbsn00lp.ttf"  # type: ignore[union-attr]
    assert fonts.face_for("kai", "中").path.name == "gkai00mp.ttf"  # type: ignore[union-attr]
    assert fonts.face_for("hei", "中").path.name == "wqy-microhei.ttc"  # type: ignore[union-attr]


def test_a_character_outside_gb2312_falls_back_to_a_font_that_has_it() -> None:
    fonts = FontSet.load()
    for ch in "堃喆珺":
        face = fonts.face_for("fangsong", ch)
        assert face is not None
        assert face.path.name != "gbsn00lp.ttf"
        assert face.has(ch)


def test_private_use_and_emoji_are_reported_once_in_order() -> None:
    texts = ["王堃\ue000", "😀好\ue000", "\n"]
    assert unprintable_characters(texts) == ["\ue000", "😀"]


def test_load_is_cached_per_process() -> None:
    assert FontSet.load() is FontSet.load()
    assert FontSet.load({}) is FontSet.load(None)


def test_an_override_goes_first_in_its_role() -> None:
    path = str(FONTS / "LXGWWenKai-Regular.ttf")
    fonts = FontSet.load({"fangsong": path})
    assert fonts.face_for("fangsong", "中").path.name == "LXGWWenKai-Regular.ttf"  # type: ignore[union-attr]
    assert fonts.face_for("kai", "中").path.name == "gkai00mp.ttf"  # type: ignore[union-attr]
    assert FontSet.load().needs_emboldening()
    assert not FontSet.load({"xiaobiaosong": path}).needs_emboldening()  # the user's choice, as it is


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
        FontSet.load({"comic": str(FONTS / "gbsn00lp.ttf")})


def test_windows_system_fonts_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows, C:\\Windows\\Fonts\\simfang.ttf etc. are the roles' own fonts."""
    fonts_dir = tmp_path / "Windows" / "Fonts"
    fonts_dir.mkdir(parents=True)
    # stand-ins with the Windows names (the real files are not on this machine)
    (fonts_dir / "simfang.ttf").symlink_to(FONTS / "LXGWWenKai-Regular.ttf")
    (fonts_dir / "simhei.ttf").symlink_to(FONTS / "gkai00mp.ttf")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    fonts = FontSet._build({})
    assert fonts.face_for("fangsong", "中").path == fonts_dir / "simfang.ttf"  # type: ignore[union-attr]
    assert fonts.face_for("hei", "中").path == fonts_dir / "simhei.ttf"  # type: ignore[union-attr]
    # missing Windows fonts fall back to the bundled ones
    assert fonts.face_for("kai", "中").path.name == "gkai00mp.ttf"  # type: ignore[union-attr]
    assert not fonts.is_bundled("fangsong")
    assert fonts.is_bundled("xiaobiaosong")
    assert fonts.needs_emboldening()  # no 方正小标宋: titles in a stroked 宋体
    (fonts_dir / "FZXBSJW.TTF").symlink_to(FONTS / "gbsn00lp.ttf")
    assert not FontSet._build({}).needs_emboldening()


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
