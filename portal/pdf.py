"""PDF documents (a plan to download, a mediation certificate) built with fpdf2 in DejaVu Sans.

DejaVu covers the Latin letters of every family name we meet (Polish, Romanian and more); Debian's
`fonts-dejavu-core` package provides it (the Makefile installs it when missing).
"""

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FAMILY = "DejaVu"
TEAL = (11, 95, 90)


class Document(FPDF):
    """An A4 page with the portal's name in the header and page numbers in the footer."""

    def __init__(self, title: str, *, header_text: str, footer_text: str = "") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.header_text = header_text
        self.footer_text = footer_text
        self.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_creator("SEND family portal")
        self.set_lang("en-GB")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_page()

    def header(self) -> None:
        self.set_font(FAMILY, "", 9)
        self.set_text_color(*TEAL)
        self.cell(0, 6, self.header_text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 6, f"{self.footer_text}  {self.page_no()}/{{nb}}".strip(), align="R")

    def heading(self, text: str, level: int = 1) -> None:
        size = {1: 18, 2: 14, 3: 12}.get(level, 11)
        self.ln(2 if level > 1 else 0)
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, *, size: int = 11) -> None:
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def term(self, label: str, value: str) -> None:
        """A label in bold and its value on the same line (wrapping under itself)."""
        self.set_font(FAMILY, "B", 11)
        self.cell(55, 5.5, label)
        self.set_font(FAMILY, "", 11)
        self.multi_cell(0, 5.5, value, new_x="LMARGIN", new_y="NEXT")

    def output_bytes(self) -> bytes:
        return bytes(self.output())
