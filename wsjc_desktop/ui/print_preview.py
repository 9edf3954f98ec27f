"""Print preview: the slip as it will print, with 打印, 另存为…, 另存为 Word… (a .docx to finish in
WPS or Word, when the preview knows how to make one) and 用系统阅读器打开.

The PDF is rendered into this session's private temporary folder (removed when the program
exits: the slips name people under supervision) and shown with QtPdf, which is imported only
when something is printed, so the window starts without it.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QPointF, QRectF, QSize, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.errors import UserError
from wsjc_desktop.services import settings
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.filedialogs import Purpose

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

#: Pages are rasterised for the printer at no more than this resolution: sharp on paper,
#: and an A4 page stays near 35 MB of memory however fine the printer's own resolution.
PRINT_DPI = 300

_session_folder: Path | None = None


def session_folder() -> Path:
    """A private folder for this session's previews, removed at exit."""
    global _session_folder
    if _session_folder is None or not _session_folder.is_dir():
        _session_folder = Path(tempfile.mkdtemp(prefix="wsjc-print-"))
        atexit.register(shutil.rmtree, _session_folder, True)
    return _session_folder


def safe_file_name(name: str) -> str:
    """A file name made of ``name``, without the characters Windows forbids."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return cleaned[:120] or "打印"


class PrintPreviewDialog(QDialog):
    """Shows a PDF, all pages one under another, fitted to the width of the window."""

    def __init__(
        self,
        path: Path,
        *,
        title: str,
        ctx: AppContext | None = None,
        file_name: str | None = None,
        note: str = "",
        make: Callable[[Path], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        self.setObjectName("print_preview")
        self.setWindowTitle(f"打印预览 — {title}")
        self.path = Path(path)
        self.ctx = ctx
        self.title = title
        self.make = make  # writes the slip to a path: a .docx there gives the Word file
        self.file_name = safe_file_name(file_name or title)
        if not self.file_name.lower().endswith(".pdf"):
            self.file_name += ".pdf"

        self.document = QPdfDocument(self)
        error = self.document.load(str(self.path))
        if error != QPdfDocument.Error.None_:
            self.deleteLater()
            raise UserError(f"无法打开生成的 PDF（{error.name}）。")
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocumentMargins(QMargins(16, 16, 16, 16))

        self.page_label = QLabel()
        self.page_label.setObjectName("page_count")
        self.view.pageNavigator().currentPageChanged.connect(self._show_page_number)
        self._show_page_number(self.view.pageNavigator().currentPage())
        self.zoom = QComboBox()
        self.zoom.setObjectName("zoom")
        self.zoom.addItem("适合宽度", "width")
        self.zoom.addItem("整页", "page")
        for percent in (50, 75, 100, 125, 150, 200):
            self.zoom.addItem(f"{percent}%", percent)
        self.zoom.currentIndexChanged.connect(self._zoom_changed)

        self.print_button = QPushButton("打印…")
        self.print_button.setObjectName("print_button")
        self.print_button.setToolTip("选择打印机并打印（Ctrl+P）")
        self.save_button = QPushButton("另存为…")
        self.save_button.setObjectName("save_button")
        self.word_button = QPushButton("另存为 Word…")
        self.word_button.setObjectName("word_button")
        self.word_button.setToolTip("保存为 Word 文件（.docx），可在 WPS 或 Word 中继续编辑")
        self.word_button.setVisible(make is not None)
        self.open_button = QPushButton("用系统阅读器打开")
        self.open_button.setObjectName("open_button")
        self.open_button.setToolTip("用本机默认的 PDF 阅读器打开")
        self.close_button = QPushButton("关闭")
        self.close_button.setObjectName("close_button")
        self.print_button.clicked.connect(self.print_with_dialog)
        self.save_button.clicked.connect(self.save_as)
        self.word_button.clicked.connect(self.save_as_word)
        self.open_button.clicked.connect(self.open_external)
        self.close_button.clicked.connect(self.reject)
        self.print_button.setDefault(True)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_with_dialog)

        bar = QHBoxLayout()
        bar.addWidget(self.page_label)
        bar.addSpacing(12)
        bar.addWidget(QLabel("缩放："))
        bar.addWidget(self.zoom)
        bar.addStretch(1)
        for button in (
            self.print_button,
            self.save_button,
            self.word_button,
            self.open_button,
            self.close_button,
        ):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        self.note = QLabel(note)
        self.note.setObjectName("preview_note")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

        screen = QGuiApplication.primaryScreen()
        height = screen.availableGeometry().height() if screen is not None else 900
        self.resize(860, max(600, min(1000, int(height * 0.9))))

    @property
    def page_count(self) -> int:
        return int(self.document.pageCount())

    def _show_page_number(self, page: int) -> None:
        self.page_label.setText(f"第 {page + 1} 页，共 {self.page_count} 页")

    def _zoom_changed(self) -> None:
        from PySide6.QtPdfWidgets import QPdfView

        choice = self.zoom.currentData()
        if choice == "width":
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif choice == "page":
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(int(choice) / 100)

    # --- the buttons -----------------------------------------------------------------

    def print_with_dialog(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        dialog.setMinMax(1, max(1, self.page_count))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        run_action(self, lambda: self.print_document(printer), busy=True)

    def print_document(self, printer: QPrinter) -> int:
        """Draw the pages (the printer's page range, else all) onto ``printer``, each scaled to
        the paper and centred on it. Returns the number of pages sent."""
        from PySide6.QtGui import QPageLayout, QPageSize

        count = self.page_count
        first = printer.fromPage() or 1
        last = min(printer.toPage() or count, count)
        if first > last:
            return 0
        printer.setFullPage(True)  # the slip carries its own margins
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        painter = QPainter()
        if not painter.begin(printer):
            raise UserError("无法开始打印：打印机不可用。")
        sent = 0
        try:
            for page in range(first - 1, last):
                if sent:
                    printer.newPage()
                self._draw_page(painter, printer, page)
                sent += 1
        finally:
            painter.end()
        return sent

    def _draw_page(self, painter: QPainter, printer: QPrinter, page: int) -> None:
        points = self.document.pagePointSize(page)
        dpi = min(printer.resolution(), PRINT_DPI)
        image = self.document.render(
            page, QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
        )
        paper = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
        scale = min(paper.width() / points.width(), paper.height() / points.height())
        width, height = points.width() * scale, points.height() * scale
        corner = QPointF((paper.width() - width) / 2, (paper.height() - height) / 2)
        painter.drawImage(QRectF(corner.x(), corner.y(), width, height), image)

    def configured_folder(self) -> Path | None:
        """The 导出文件夹 setting, when it names a folder that is there."""
        if self.ctx is None:
            return None
        try:
            folder = str(settings.get(self.ctx.db, "folders.export") or "")
        except UserError:
            return None
        return Path(folder) if folder and Path(folder).is_dir() else None

    def save_as(self) -> Path | None:
        """另存为: the dialog opens in the folder of the last 另存为 on this PC."""
        path = filedialogs.save_file(
            self,
            Purpose.SAVE_AS,
            "另存为",
            self.file_name,
            "PDF 文件 (*.pdf)",
            default_folder=self.configured_folder(),
            suffix=".pdf",
        )
        if path is None:
            return None
        try:
            shutil.copyfile(self.path, path)
        except OSError as exc:
            reason = (
                "文件可能正被其他程序打开，或没有写入权限"
                if isinstance(exc, PermissionError)
                else exc.strerror
            )
            QMessageBox.warning(self, "无法保存", f"未能保存到“{path}”：{reason}。")
            return None
        return path

    def save_as_word(self) -> Path | None:
        """另存为 Word: the slip written again as a .docx where the user chooses (the dialog opens
        where 另存为 last saved). A file that cannot be written becomes a message."""
        if self.make is None:
            return None
        make = self.make
        path = filedialogs.save_file(
            self,
            Purpose.SAVE_AS,
            "另存为 Word",
            str(Path(self.file_name).with_suffix(".docx")),
            "Word 文件 (*.docx)",
            default_folder=self.configured_folder(),
            suffix=".docx",
        )
        if path is None:
            return None
        done = run_action(self, lambda: make(path) or True, busy=True, title="无法保存")
        return path if done else None

    def open_external(self) -> bool:
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))
        if not opened:
            QMessageBox.warning(
                self, "无法打开", "本机没有能打开 PDF 文件的程序。\n\n可用“另存为…”保存后再处理。"
            )
        return bool(opened)


def render_to_temp(make: Callable[[Path], None], file_name: str) -> Path:
    """Call ``make`` with a fresh path in the session folder and return it."""
    name = safe_file_name(file_name)
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    folder = Path(tempfile.mkdtemp(dir=session_folder()))
    path = folder / name
    make(path)
    return path


def preview(
    parent: QWidget | None,
    ctx: AppContext | None,
    make: Callable[[Path], None],
    title: str,
    *,
    file_name: str | None = None,
) -> bool:
    """Render a slip with ``make(path)`` (showing a wait cursor) and preview it until the user
    closes the preview. A UserError (a character no font can print, a missing record) becomes
    a message and nothing opens. Returns whether the preview was shown."""
    path = run_action(parent, lambda: render_to_temp(make, file_name or title), busy=True, title="无法打印")
    if path is None:
        return False
    return show_preview(parent, ctx, path, title, file_name=file_name, make=make)


def show_preview(
    parent: QWidget | None,
    ctx: AppContext | None,
    path: Path,
    title: str,
    *,
    file_name: str | None = None,
    note: str = "",
    make: Callable[[Path], None] | None = None,
) -> bool:
    """Preview a PDF already written (modal); the dialog is released when it closes. ``make``
    (writes the slip to a path) offers 另存为 Word."""
    dialog = run_action(
        parent,
        lambda: PrintPreviewDialog(
            path, title=title, ctx=ctx, file_name=file_name, note=note, make=make, parent=parent
        ),
        title="无法打印",
    )
    if dialog is None:
        return False
    try:
        dialog.exec()
    finally:
        dialog.document.close()
        dialog.deleteLater()
    return True
