"""帮助 → 使用说明 (F1): the Chinese user manual, offline, from ``resources/manual/index.html``.

One window at a time and not modal, so the manual can stay open beside the work: a second
request brings the open one to the front (:func:`show_manual`). On the left the table of
contents (the manual's ``<h2>`` sections; a click scrolls there, and it follows the reading),
on the right the manual in a QTextBrowser, beneath it a 查找 box (Enter: next, Shift+Enter:
previous; every match is highlighted) and 关闭 (Esc closes too).

Only links inside the manual (``#anchor``) are followed: nothing is ever opened outside the
window, and nothing is fetched from anywhere but the manual's own folder. The screenshots are
scaled once, smoothly, to the width the page gives them (QTextBrowser would otherwise scale
them pixel by pixel on every paint, which makes their Chinese text unreadable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QHideEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.resources import resources_root
from wsjc_desktop.ui.context import ui_settings
from wsjc_desktop.ui.windows import fit_to_screen

__all__ = [
    "MANUAL_FILE",
    "TAB_SECTIONS",
    "HelpDialog",
    "Section",
    "current_manual",
    "image_sources",
    "manual_path",
    "show_manual",
]

#: The manual, under resources/.
MANUAL_FOLDER = "manual"
MANUAL_FILE = "index.html"
#: The section of the manual about each tab of the window (anchor names in index.html), for a
#: F1 that opens the manual where the user is.
TAB_SECTIONS = {
    "工作台": "dashboard",
    "监督单位": "units",
    "廉政档案": "dossier",
    "廉情提醒": "notices",
    "列席会议": "meetings",
    "谈话记录": "talks",
}
#: The size the window asks for; a smaller screen gets less (windows.fit_to_screen).
WANTED_SIZE = QSize(1100, 760)
TOC_WIDTH = 230
#: Matches beyond this many are neither counted nor highlighted (a one-letter search).
MAX_MATCHES = 999
MATCH_COLOR = QColor("#ffe58a")
CURRENT_MATCH_COLOR = QColor("#ffa64d")
GEOMETRY_KEY = "help/geometry"
SPLITTER_KEY = "help/splitter"

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(src|width)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def manual_path() -> Path:
    """The manual's HTML file (it may be missing from a broken installation: the window says so)."""
    return resources_root() / MANUAL_FOLDER / MANUAL_FILE


def image_sources(html: str) -> list[tuple[str, int | None]]:
    """(src, width attribute) of every ``<img>`` of the manual, in order."""
    found = []
    for tag in _IMG.findall(html):
        attrs = {
            m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(tag)
        }
        if "src" in attrs:
            width = attrs.get("width", "")
            found.append((attrs["src"], int(width) if width.isdigit() else None))
    return found


@dataclass(frozen=True)
class Section:
    """One ``<h2>`` of the manual: its anchor, its heading and where it starts in the document."""

    anchor: str
    title: str
    position: int


class HelpDialog(QDialog):
    """使用说明: contents on the left, the manual on the right, 查找 and 关闭 beneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_dialog")
        self.setWindowTitle("使用说明")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.sections: list[Section] = []
        self._matches: list[QTextCursor] = []
        self._following = False  # a click in the contents is scrolling: the contents stay as clicked

        self.toc = QListWidget()
        self.toc.setObjectName("manual_toc")
        self.toc.currentRowChanged.connect(self._toc_row_changed)
        self.toc.itemClicked.connect(lambda item: self.go_to(str(item.data(Qt.ItemDataRole.UserRole))))
        self.browser = QTextBrowser()
        self.browser.setObjectName("manual_browser")
        self.browser.setOpenLinks(False)  # anchors are followed here, anything else never
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self._follow_link)
        self.browser.verticalScrollBar().valueChanged.connect(self._sync_toc)

        self.find_box = QLineEdit()
        self.find_box.setObjectName("manual_find")
        self.find_box.setPlaceholderText("在使用说明中查找")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setToolTip("回车查找下一处，Shift+回车查找上一处")
        self.find_box.textChanged.connect(self._find_changed)
        self.find_box.installEventFilter(self)
        self.find_note = QLabel()
        self.find_note.setObjectName("manual_find_note")
        self.previous_button = QPushButton("上一处")
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button = QPushButton("下一处")
        self.next_button.clicked.connect(self.find_next)
        self.close_button = QPushButton("关闭")
        self.close_button.setObjectName("manual_close")
        self.close_button.clicked.connect(self.close)
        # Enter belongs to the find box: no button may take it as the dialog's default
        for button in (self.previous_button, self.next_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_find)
        QShortcut(QKeySequence.StandardKey.FindNext, self, self.find_next)
        QShortcut(QKeySequence.StandardKey.FindPrevious, self, self.find_previous)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("manual_splitter")
        self.splitter.addWidget(self.toc)
        self.splitter.addWidget(self.browser)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([TOC_WIDTH, WANTED_SIZE.width() - TOC_WIDTH])
        bar = QHBoxLayout()
        bar.addWidget(QLabel("查找："))
        bar.addWidget(self.find_box, 1)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.find_note, 1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bar)

        self.load()
        self._restore_layout()
        self.browser.setFocus()  # arrows and Page Down read on; Ctrl+F goes to 查找

    # --- the manual ------------------------------------------------------------------

    def load(self) -> None:
        """Read the manual, its images scaled for the page, and its contents."""
        path = manual_path()
        try:
            html = path.read_text(encoding="utf-8")
        except OSError:
            self.browser.setHtml(
                f"<h2>未找到使用说明</h2><p>使用说明文件不在程序目录中：{escape(str(path))}</p>"
                "<p>请重新安装本程序。</p>"
            )
            self.sections = []
            self.toc.clear()
            return
        self.browser.setSearchPaths([str(path.parent)])
        document = self.browser.document()
        ratio = max(1.0, self.devicePixelRatioF())
        for src, width in image_sources(html):
            image = QImage(str(path.parent / src))
            if image.isNull():
                continue  # the browser shows its placeholder; the tests make sure this never happens
            if width and image.width() > width * ratio:
                image = image.scaledToWidth(round(width * ratio), Qt.TransformationMode.SmoothTransformation)
                image.setDevicePixelRatio(ratio)
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(src), image)
        self.browser.setHtml(html)
        self.sections = self._read_sections()
        self.toc.clear()
        for section in self.sections:
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.anchor)
            item.setToolTip(section.title)
            self.toc.addItem(item)
        if self.sections:
            # the first section is current from the start: focusing the list would otherwise make
            # it current, and scroll past the manual's introduction
            self.toc.blockSignals(True)
            self.toc.setCurrentRow(0)
            self.toc.blockSignals(False)

    def _read_sections(self) -> list[Section]:
        found = []
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() == 2:
                names: list[str] = []
                fragments = block.begin()
                while not fragments.atEnd() and not names:
                    names = list(fragments.fragment().charFormat().anchorNames())
                    fragments += 1
                if names:
                    found.append(Section(names[0], block.text().strip(), block.position()))
            block = block.next()
        return found

    def section_titles(self) -> list[str]:
        return [section.title for section in self.sections]

    def go_to(self, anchor: str) -> bool:
        """Scroll the manual to a section (an anchor name of index.html); False if there is none."""
        section = next((s for s in self.sections if s.anchor == anchor), None)
        if section is None:
            return False
        self._following = True
        try:
            cursor = QTextCursor(self.browser.document())
            cursor.setPosition(section.position)
            self.browser.setTextCursor(cursor)  # 查找 goes on from the section
            self.browser.scrollToAnchor(anchor)
            row = self.sections.index(section)
            if self.toc.currentRow() != row:
                self.toc.setCurrentRow(row)
        finally:
            self._following = False
        return True

    def section_top(self, anchor: str) -> int:
        """Where a section's heading is drawn, in the browser's scroll coordinates."""
        section = next(s for s in self.sections if s.anchor == anchor)
        document = self.browser.document()
        block = document.findBlock(section.position)
        return round(document.documentLayout().blockBoundingRect(block).top())

    def _toc_row_changed(self, row: int) -> None:
        if not self._following and 0 <= row < len(self.sections):
            self.go_to(self.sections[row].anchor)

    def _sync_toc(self, value: int) -> None:
        """The contents follow the reading: the section at the top third of the page."""
        if self._following or not self.sections:
            return
        line = value + self.browser.viewport().height() // 3
        row = 0
        for index, section in enumerate(self.sections):
            if self.section_top(section.anchor) <= line:
                row = index
        if row != self.toc.currentRow():
            self.toc.blockSignals(True)
            self.toc.setCurrentRow(row)
            self.toc.blockSignals(False)

    def _follow_link(self, url: QUrl) -> None:
        if url.scheme() in ("", "file") and url.hasFragment() and not url.path().strip("/"):
            self.go_to(url.fragment())
        # anything else (a web address, a file) is never opened: the program stays offline

    # --- find in page ------------------------------------------------------------------

    def _focus_find(self) -> None:
        self.find_box.setFocus()
        self.find_box.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.find_box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        return super().eventFilter(watched, event)

    def _find_changed(self, text: str) -> None:
        """Highlight every match and go to the first one from where the reader is."""
        self._matches = []
        wanted = text.strip()
        if wanted:
            document = self.browser.document()
            cursor = document.find(wanted, 0)
            while not cursor.isNull() and len(self._matches) < MAX_MATCHES:
                self._matches.append(cursor)
                cursor = document.find(wanted, cursor)
        self._highlight(None)
        if not self._matches:
            self.find_note.setText("未找到" if wanted else "")
            self.find_box.setStyleSheet("background: #fde2e1;" if wanted else "")
            return
        self.find_box.setStyleSheet("")
        # typing on refines the match where the reader is: search from the current one's start
        self._select_match(self._next_index(self.browser.textCursor().selectionStart(), inclusive=True))

    def _highlight(self, current: int | None) -> None:
        """Every match in yellow, the current one in orange (the selection itself shows only
        faintly while the focus is in the find box)."""
        selections = []
        for index, match in enumerate(self._matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = match
            selection.format = QTextCharFormat()
            selection.format.setBackground(CURRENT_MATCH_COLOR if index == current else MATCH_COLOR)
            selections.append(selection)
        self.browser.setExtraSelections(selections)

    def _next_index(self, position: int, *, inclusive: bool = False) -> int:
        for index, match in enumerate(self._matches):
            start = match.selectionStart()
            if start > position or (inclusive and start == position):
                return index
        return 0  # past the last one: from the top again

    def _select_match(self, index: int) -> None:
        match = self._matches[index]
        self.browser.setTextCursor(match)
        # the match a third down the page, with its context, unless it is well in view already
        top, height = self.browser.cursorRect().top(), self.browser.viewport().height()
        if not height // 6 <= top <= height * 5 // 6:
            bar = self.browser.verticalScrollBar()
            bar.setValue(bar.value() + top - height // 3)
        self._highlight(index)
        self.find_note.setText(f"第 {index + 1} / {len(self._matches)} 处")

    def current_match(self) -> int | None:
        """The index of the match selected (for tests); None when there is none."""
        cursor = self.browser.textCursor()
        for index, match in enumerate(self._matches):
            if (match.selectionStart(), match.selectionEnd()) == (
                cursor.selectionStart(),
                cursor.selectionEnd(),
            ):
                return index
        return None

    def match_count(self) -> int:
        return len(self._matches)

    def find_next(self) -> None:
        if self._matches:
            self._select_match(self._next_index(self.browser.textCursor().selectionStart()))

    def find_previous(self) -> None:
        if not self._matches:
            return
        position = self.browser.textCursor().selectionStart()
        before = [i for i, match in enumerate(self._matches) if match.selectionStart() < position]
        self._select_match(before[-1] if before else len(self._matches) - 1)

    # --- the window ------------------------------------------------------------------

    def _restore_layout(self) -> None:
        settings = ui_settings()
        geometry = settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            fit_to_screen(self)  # saved on a larger screen: it still fits this one
        else:
            fit_to_screen(self, WANTED_SIZE)
        splitter = settings.value(SPLITTER_KEY)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def hideEvent(self, event: QHideEvent) -> None:
        # 关闭, Esc (which only hides a dialog, then deletes it) and the title bar's close alike;
        # not the window system's own hiding (minimised)
        if not event.spontaneous():
            self._save_layout()
        super().hideEvent(event)

    def _save_layout(self) -> None:
        settings = ui_settings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(SPLITTER_KEY, self.splitter.saveState())


#: The open manual window (one at a time).
_open: HelpDialog | None = None


def current_manual() -> HelpDialog | None:
    """The manual window open now, if any."""
    if _open is not None and shiboken6.isValid(_open) and _open.isVisible():
        return _open
    return None


def show_manual(parent: QWidget | None, section: str | None = None) -> HelpDialog:
    """Open the manual (or bring the open one to the front), at ``section`` (an anchor of
    index.html, e.g. one of :data:`TAB_SECTIONS`' values) when given."""
    global _open
    dialog = current_manual()
    if dialog is None:
        dialog = HelpDialog(parent)
        _open = dialog
        dialog.show()
    else:
        if dialog.isMinimized():
            dialog.showNormal()
        dialog.raise_()
    dialog.activateWindow()
    if section:
        dialog.go_to(section)
    return dialog
