"""The page: its outline (SECTIONS), the blocks the sections gather (paragraphs, figures,
tables), the HTML rendered from templates/report.html, and its save into the out folder.

The section modules fill a Page; nothing here reads a table. The template lays the page out
(table of contents, headings, figures, tables, CSS) with autoescape on, so every value shown is
escaped."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ml.reporting.out_folder import IMAGE_DIR, PAGE, PAGE_TITLE, Writer, replace_files

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

TEMPLATE = "report.html"

# (anchor, heading): the page's sections in order; the table of contents and the browser test
# read this list
SECTIONS = (
    ("data", "1. Data and cleaning"),
    ("row-accounting", "1.1 Row accounting"),
    ("genres", "1.2 Genres"),
    ("rating-values", "1.3 Rating values"),
    ("decades", "1.4 Movies per release decade"),
    ("ratings-per-year", "1.5 Ratings per year"),
    ("tenure", "1.6 Ratings by years since the first rating"),
    ("user-activity", "1.7 Ratings per user"),
    ("tags", "1.8 Tags and movies without ratings"),
    ("kmeans", "2. K-means movie clusters"),
    ("silhouette", "2.1 Silhouette vs k"),
    ("cluster-sizes", "2.2 Cluster sizes"),
    ("cluster-composition", "2.3 Composition of the largest clusters"),
    ("cluster-map", "2.4 Map of the movies"),
    ("als", "3. ALS recommendations"),
    ("tuning", "3.1 Tuning"),
    ("predicted-vs-actual", "3.2 Predicted vs actual"),
    ("metrics", "3.3 Metrics: ALS and baselines"),
    ("sample-users", "3.4 Three users and their recommendations"),
    ("run-facts", "4. Run facts"),
)


@dataclass(frozen=True)
class Text:
    text: str
    kind: ClassVar[str] = "text"


@dataclass(frozen=True)
class Subheading:
    text: str
    kind: ClassVar[str] = "subheading"


@dataclass(frozen=True)
class Image:
    """A figure of the page: the PNG img/<name>.png and its caption (also its alt text)."""

    name: str
    caption: str
    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    kind: ClassVar[str] = "table"


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list[Text | Subheading | Image | Table] = field(default_factory=list)

    @property
    def level(self) -> int:
        """2 for a part ("2. K-means ..."), 3 for a section within it ("2.1 ...")."""
        return 2 if self.title.split(" ", 1)[0].endswith(".") else 3


def written_now() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


@dataclass
class Page:
    """The page being gathered: its sections in order, and the figures to save beside it."""

    sections: list[Section] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    written: str = field(default_factory=written_now)

    def heading(self, anchor: str) -> None:
        """Open the section `anchor` of SECTIONS: what follows is added to it."""
        self.sections.append(Section(anchor, dict(SECTIONS)[anchor]))

    def _add(self, block: Text | Subheading | Image | Table) -> None:
        if not self.sections:
            raise ValueError("the page has no section yet: call heading() first")
        self.sections[-1].blocks.append(block)

    def text(self, text: str) -> None:
        self._add(Text(text))

    def subheading(self, text: str) -> None:
        self._add(Subheading(text))

    def figure(self, name: str, fig: Figure, caption: str) -> None:
        self.figures[name] = fig
        self._add(Image(name, caption))

    def table(self, frame: pd.DataFrame, formats: dict[str, str] | None = None) -> None:
        self._add(table_of(frame, formats or {}))


def cell_text(value: Any, spec: str | None = None) -> str:
    """How a table shows `value`: `spec` if given, else thousands separators and 4 significant
    digits; booleans as yes/no, missing values blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if spec:
        return format(value, spec)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def table_of(frame: pd.DataFrame, formats: dict[str, str]) -> Table:
    """The table of `frame`'s rows, each column shown by its format spec in `formats` if any."""
    rows = []
    for record in frame.itertuples(index=False):
        rows.append(
            tuple(
                Cell(
                    cell_text(value, formats.get(name)),
                    isinstance(value, int | float) and not isinstance(value, bool),
                )
                for name, value in zip(frame.columns, record, strict=True)
            )
        )
    return Table(tuple(str(name) for name in frame.columns), tuple(rows))


def render(page: Page) -> str:
    """The page's HTML, from the template; its sections must be those of SECTIONS, in order."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    gathered = [section.anchor for section in page.sections]
    if gathered != [anchor for anchor, _ in SECTIONS]:
        raise ValueError(f"the page's sections {gathered} are not those of SECTIONS")
    environment = Environment(
        loader=PackageLoader("ml.reporting", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    contents = [Section(anchor, title) for anchor, title in SECTIONS]
    return environment.get_template(TEMPLATE).render(
        page=page, contents=contents, image_dir=IMAGE_DIR, title=PAGE_TITLE
    )


def save(page: Page, out_dir: Path) -> Path:
    """Write the page and its figures into `out_dir`, each file replaced only once written, and
    nothing there the report did not write touched (ml.reporting.out_folder); the page's path."""
    import matplotlib.pyplot as plt

    text = render(page)  # before any file is touched: a page that fails to render keeps the last

    def figure_writer(fig: Figure) -> Writer:
        def write(path: Path) -> None:
            fig.savefig(path)
            plt.close(fig)

        return write

    writers = {f"{IMAGE_DIR}/{name}.png": figure_writer(fig) for name, fig in page.figures.items()}
    writers[PAGE] = lambda path: path.write_text(text, encoding="utf-8")  # last: its images are in
    out_dir = out_dir.resolve()
    replace_files(out_dir, writers)
    return out_dir / PAGE
