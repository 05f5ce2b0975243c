"""PDF cards (一账三卡): 纪实卡, 反馈卡 and 基本信息卡, laid out as data and drawn with reportlab.

No Qt here: the app and the CLI both call `print_cards`."""

from .batch import KINDS, PrintCancelled, PrintJob, PrintResult, print_cards
from .fonts import FontSet

__all__ = ["KINDS", "FontSet", "PrintCancelled", "PrintJob", "PrintResult", "print_cards"]
