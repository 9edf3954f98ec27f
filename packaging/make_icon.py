"""Draw the program's icon, ``resources/icons/wsjc.ico``: a white 监 on a red rounded square.

Run once with Pillow installed (``python packaging/make_icon.py``); the .ico is committed, so
building the bundle does not need Pillow.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "resources" / "icons" / "wsjc.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256)
RED = (178, 34, 34, 255)


def draw(size: int = 256) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=RED)
    font = ImageFont.truetype(str(FONT), int(size * 0.72))
    pen.text((size / 2, size / 2), "监", font=font, fill="white", anchor="mm")
    return image


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    draw().save(OUT, format="ICO", sizes=[(s, s) for s in SIZES])
    print(f"{OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
