"""Finding, embedding and mixing CJK fonts for the cards.

reportlab embeds a TrueType font as subsets (only the glyphs used), which keeps a thousand
cards small and makes the text extractable. One primary font draws everything it can; a
character it lacks (䶮 in 文泉驿微米黑, 𠮷 in most fonts) is drawn by the first other font that
has it. A character no font has is drawn as an empty ruled box for the secretary to write in,
and reported, so a name never prints blank without anyone knowing.

reportlab cannot read OpenType/CFF outlines (Noto Sans CJK, Source Han): such files are
skipped. When no TrueType CJK font exists at all, reportlab's built-in `STSong-Light` is used:
it is not embedded, so some viewers and printers draw it blank; the caller must show
`FontSet.warnings` to the user."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FALLBACK_CID = "STSong-Light"
MISSING = ""  # font name of a run whose characters no font has: drawn as boxes

# Searched after resources/fonts/, in this order; the first usable one is the primary font.
WINDOWS_FONTS = ("msyh.ttc", "simsun.ttc", "simhei.ttf", "simkai.ttf", "simfang.ttf",
                 "simsunb.ttf", "mingliub.ttc")  # the last two cover CJK Extension B (𠮷)
LINUX_FONTS = (
    "truetype/wqy/wqy-microhei.ttc", "truetype/wqy/wqy-zenhei.ttc",
    "truetype/arphic/uming.ttc", "truetype/arphic/ukai.ttc",
    "wenquanyi/wqy-microhei/wqy-microhei.ttc", "wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "wqy-microhei/wqy-microhei.ttc", "wqy-zenhei/wqy-zenhei.ttc",
    "arphic-uming/uming.ttc", "TTF/uming.ttc",
)
MAC_FONTS = ("/System/Library/Fonts/Supplemental/Songti.ttc", "/Library/Fonts/Arial Unicode.ttf")

_lock = threading.Lock()
_loaded: dict[tuple[str, int], TTFont | None] = {}


def resources_fonts_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "fonts"


def system_candidates() -> list[Path]:
    found: list[Path] = []
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        found += [windir / name for name in WINDOWS_FONTS]
        local = os.environ.get("LOCALAPPDATA")
        if local:
            found += [Path(local) / "Microsoft/Windows/Fonts" / name for name in WINDOWS_FONTS]
    elif sys.platform == "darwin":
        found += [Path(p) for p in MAC_FONTS]
    else:
        for root in ("/usr/share/fonts", "/usr/local/share/fonts",
                     str(Path.home() / ".local/share/fonts")):
            found += [Path(root) / rel for rel in LINUX_FONTS]
    return found


def default_candidates() -> list[Path]:
    """Deployer's fonts first (sorted by name), then the system's."""
    folder = resources_fonts_dir()
    local = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".ttf", ".ttc")) \
        if folder.is_dir() else []
    return local + system_candidates()


def _is_cff(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return True
    return head == b"OTTO"


def _load(path: Path, index: int) -> TTFont | None:
    """Register one face with reportlab (once per process); None if unusable."""
    key = (str(path), index)
    with _lock:
        if key in _loaded:
            return _loaded[key]
        font: TTFont | None = None
        if path.is_file() and not _is_cff(path):
            name = f"BD{len(_loaded)}-{path.stem}-{index}"
            try:
                font = TTFont(name, str(path), subfontIndex=index)
                pdfmetrics.registerFont(font)
            except (TTFError, OSError, ValueError, KeyError, AssertionError):
                font = None  # CFF inside a .ttc, a damaged file, a bitmap-only face
        _loaded[key] = font
        return font


def _usable(path: Path) -> TTFont | None:
    # The first face of a collection is its main style (微软雅黑, 宋体, 文泉驿微米黑).
    font = _load(path, 0)
    return font if font is not None and ord("中") in font.face.charToGlyph else None


@dataclass(frozen=True)
class Missing:
    char: str
    context: str

    def message(self) -> str:
        who = f"{self.context}：" if self.context else ""
        return (f"{who}字符“{self.char}”（U+{ord(self.char):04X}）在已安装的字体中都没有字形，"
                "卡片上该处印为空框，请手写补全，或把含此字的TrueType字体放入 resources/fonts/")


@dataclass
class FontSet:
    """The fonts one print job uses and what went wrong with them."""

    fonts: list[TTFont]
    cid: bool = False  # True: only STSong-Light is available
    pending: list[Path] = field(default_factory=list)  # fallback candidates not yet loaded
    context: str = ""  # who is being printed, for missing-glyph warnings
    missing: list[Missing] = field(default_factory=list)
    _seen_missing: set[tuple[str, str]] = field(default_factory=set)
    _runs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _char_font: dict[str, str] = field(default_factory=dict)
    _widths: dict[tuple[str, float], float] = field(default_factory=dict)
    _with_missing: set[str] = field(default_factory=set)  # texts with a glyph no font has
    wrapped: dict[tuple[str, float, float], list[str]] = field(default_factory=dict)  # layout's

    @classmethod
    def discover(cls, candidates: Iterable[Path] | None = None) -> FontSet:
        """The first usable candidate is the primary font; the others are loaded only when a
        character needs them (each parsed CJK font costs tens of MB and a fraction of a second)."""
        paths = [Path(p) for p in (default_candidates() if candidates is None else candidates)]
        for i, path in enumerate(paths):
            font = _usable(path)
            if font is not None:
                return cls([font], pending=[p for p in paths[i + 1:] if p.is_file()])
        return cls([], cid=True)

    def __post_init__(self) -> None:
        if self.cid:
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))

    # -- what the job should tell the user ----------------------------------------------------
    @property
    def primary(self) -> str:
        return self.fonts[0].fontName if self.fonts else FALLBACK_CID

    @property
    def primary_label(self) -> str:
        if not self.fonts:
            return FALLBACK_CID
        return f"{self.fonts[0].face.name.decode('latin-1')}（{Path(self.fonts[0].face.filename).name}）"

    @property
    def embedded(self) -> bool:
        return not self.cid

    def font_warning(self) -> str:
        if not self.cid:
            return ""
        return ("未找到可嵌入的TrueType中文字体，已改用PDF内置字体STSong-Light（不嵌入字体）："
                "部分阅读器或打印机可能显示为空白。请安装中文字体（如文泉驿、宋体、微软雅黑），"
                "或把 .ttf/.ttc 字体文件放入 resources/fonts/ 后重新生成。")

    @property
    def warnings(self) -> list[str]:
        first = [self.font_warning()] if self.cid else []
        return first + [m.message() for m in self.missing]

    # -- splitting text into runs of one font --------------------------------------------------
    def _font_for(self, char: str) -> str:
        name = self._char_font.get(char)
        if name is None:
            code = ord(char)
            name = MISSING
            if char.isspace() or code < 0x20:
                name = self.primary
            for font in self._fonts_with_fallbacks():
                if code in font.face.charToGlyph:
                    name = font.fontName
                    break
            self._char_font[char] = name
        return name

    def _fonts_with_fallbacks(self) -> Iterator[TTFont]:
        yield from self.fonts
        while self.pending:
            font = _usable(self.pending.pop(0))
            if font is not None:
                self.fonts.append(font)
                yield font

    def runs(self, text: str, note: bool = True) -> list[tuple[str, str]]:
        """[(font name, text)]: consecutive characters drawn by the same font. Characters no
        font has are noted against `context` (layout notes; drawing passes note=False)."""
        cached = self._runs.get(text)
        if cached is not None:
            if note and text in self._with_missing:
                self._note_missing(cached)
            return cached
        if self.cid:
            result = [(FALLBACK_CID, text)] if text else []
        else:
            result = []
            for char in text:
                name = self._font_for(char)
                if result and result[-1][0] == name:
                    result[-1] = (name, result[-1][1] + char)
                else:
                    result.append((name, char))
            if any(name == MISSING for name, _ in result):
                self._with_missing.add(text)
                if note:
                    self._note_missing(result)
        if len(self._runs) < 50_000:
            self._runs[text] = result
        return result

    def _note_missing(self, result: Sequence[tuple[str, str]]) -> None:
        for name, chunk in result:
            if name != MISSING:
                continue
            for char in chunk:
                key = (char, self.context)
                if key not in self._seen_missing:
                    self._seen_missing.add(key)
                    self.missing.append(Missing(char, self.context))

    def width(self, text: str, size: float, note: bool = True) -> float:
        key = (text, size)
        cached = self._widths.get(key)
        if cached is not None:
            if note and text in self._with_missing:
                self.runs(text, note)  # still note a missing glyph for this card's subject
            return cached
        total = 0.0
        for name, chunk in self.runs(text, note):
            if name == MISSING:
                total += size * len(chunk)
            else:
                total += pdfmetrics.stringWidth(chunk, name, size)
        if len(self._widths) < 100_000:
            self._widths[key] = total
        return total

    def has_glyph(self, char: str) -> bool:
        return self.cid or self._font_for(char) != MISSING

    def used_fallback(self, char: str) -> str | None:
        """The font that draws char when it is not the primary (for tests and the UI)."""
        name = self._font_for(char)
        return name if name not in (MISSING, self.primary) else None
