#!/usr/bin/env python3
"""Makes the window's UI font, src-tauri/fonts/OnestopSansSC-{Regular,Bold}.otf: Noto Sans CJK SC
(Debian's fonts-noto-cjk) cut down to GB 2312, the punctuation and symbol blocks, and every
character the UI, the catalogue and the vouchers use. The web process maps the font files and
pays for every page it touches; the full collection (65,535 glyphs, ten faces) cost it ~13 MiB
after 41 acceptances, the cut-down faces ~6 (docs/benchmarks.md). Characters outside the set (a
rare name) still render: the UI's font list falls back to the full Noto Sans CJK SC.

Renamed to "Onestop Sans SC" as the SIL Open Font License asks of a modified version.
Needs fontTools (PyPI):  python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
                         /tmp/ft/bin/python scripts/make-ui-font.py
"""
import pathlib
import subprocess

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src-tauri" / "fonts"
SOURCES = {
    "Regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "Bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
SC_FACE = 2  # Noto Sans CJK SC inside the collections
FAMILY = "Onestop Sans SC"
# Latin, general punctuation, arrows, maths, enclosed numbers, box drawing, shapes, dingbats, CJK
# symbols and punctuation, full-width forms.
RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2100, 0x22FF), (0x2460, 0x24FF),
          (0x2500, 0x27BF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
# Given-name characters outside GB 2312 that are common enough to be worth their few bytes.
NAME_EXTRAS = "喆堃珺玥昇淏昕彧翀犇垚祎瑄璟晞煜熠晟晗昱宸桢珈芃蕙祐禛赟琇玧浛皓炅"


def gb2312():
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def used_by_the_product():
    files = subprocess.run(["git", "ls-files", "ui/src", "assets", "crates/domain", "crates/receipt"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    chars = set()
    for name in files:
        try:
            chars.update((ROOT / name).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, IsADirectoryError):
            pass
    # Astral-plane test characters of the voucher crate are not UI text.
    return {c for c in chars if 0x80 <= ord(c) <= 0xFFFF}


def rename(font, style):
    names = font["name"]
    postscript = f"OnestopSansSC-{style}"
    for record in list(names.names):
        if record.nameID in (1, 4, 6, 16, 17, 3):
            names.removeNames(nameID=record.nameID)
    names.setName(FAMILY, 1, 3, 1, 0x409)
    names.setName(style, 2, 3, 1, 0x409)
    names.setName(f"{postscript};subset of Noto Sans CJK SC 2.004", 3, 3, 1, 0x409)
    names.setName(f"{FAMILY} {style}" if style != "Regular" else FAMILY, 4, 3, 1, 0x409)
    names.setName(postscript, 6, 3, 1, 0x409)
    font["CFF "].cff.fontNames = [postscript]


def main():
    text = gb2312() | used_by_the_product() | set(NAME_EXTRAS)
    unicodes = sorted({ord(c) for c in text} | {u for a, b in RANGES for u in range(a, b + 1)})
    options = subset.Options()
    options.font_number = SC_FACE
    # Vertical layout is never used by the UI.
    options.drop_tables += ["vhea", "vmtx", "VORG", "BASE"]
    OUT.mkdir(parents=True, exist_ok=True)
    for style, source in SOURCES.items():
        font = subset.load_font(source, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        rename(font, style)
        target = OUT / f"OnestopSansSC-{style}.otf"
        subset.save_font(font, str(target), options)
        print(f"{target.relative_to(ROOT)}: {len(font.getGlyphOrder())} glyphs, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
