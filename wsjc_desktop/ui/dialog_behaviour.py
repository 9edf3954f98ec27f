"""What every dialog of the program does by itself, so no dialog has to remember it.

* :func:`install` watches the application: the first time any dialog is shown, it is made to
  fit the free area of its screen (``windows.fitted_size``) and, unless the dialog has already
  chosen a focus, its first input in tab order gets the keyboard focus, so the first keystrokes
  land in a field (never on a button). Message boxes and file dialogs are left as Qt makes them.
* :class:`GuardedDialog` asks “放弃修改？” when the user closes a dialog with unsaved input: by
  Esc, by its 取消 button (connected to :meth:`GuardedDialog.cancel`) or by the window's close
  button. An unchanged dialog closes at once, and saving (``accept``) never asks.

``reject()`` and ``close()`` called by the program (a caller discarding the dialog, a test
closing what it opened) close without asking: nobody may be there to answer. The question is
window-modal and runs no event loop of its own, so nothing waits on it.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QTableWidget,
    QTextEdit,
    QWidget,
)

from wsjc_desktop.ui.windows import available_rect, fitted_size

__all__ = [
    "DISCARD",
    "DISCARD_TITLE",
    "KEEP_EDITING",
    "GuardedDialog",
    "first_input",
    "fit_dialog",
    "input_values",
    "install",
    "is_input",
]

DISCARD_TITLE = "放弃修改？"
DISCARD_TEXT = "填写或修改的内容还没有保存。关闭窗口将放弃这些修改。"
DISCARD = "放弃修改"
KEEP_EDITING = "继续编辑"

#: Dynamic property set on a dialog once it has been handled at its first show.
_HANDLED = "wsjc_dialog_handled"
_WATCHER_NAME = "wsjc_dialog_behaviour"
_LEFT_ALONE = (QMessageBox, QFileDialog)


# --- which widgets are inputs -----------------------------------------------------------------


def _view_takes_input(view: QAbstractItemView) -> bool:
    """A list or table the user fills in: checkable items (a 组内人员 check list) or items
    edited in place (the 节假日 tables). A list to pick from or to read is not an input."""
    model = view.model()
    if model is None or model.rowCount() == 0:
        return False
    flags = model.flags(model.index(0, 0))
    if flags & Qt.ItemFlag.ItemIsUserCheckable:
        return True
    edits = view.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
    return bool(flags & Qt.ItemFlag.ItemIsEditable) and edits


def is_input(widget: QWidget) -> bool:
    """Whether ``widget`` is somewhere the user types or chooses a value (buttons are not)."""
    if isinstance(widget, QAbstractButton):
        return False
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
        return not widget.isReadOnly()
    if isinstance(widget, QComboBox):
        return True
    if isinstance(widget, QAbstractItemView):
        return _view_takes_input(widget)
    return False


def first_input(root: QWidget) -> QWidget | None:
    """The first enabled input shown in ``root``, in tab order."""
    widget = root.nextInFocusChain()
    while widget is not None and widget is not root:
        if (
            root.isAncestorOf(widget)
            and widget.isEnabled()
            and widget.isVisibleTo(root)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and is_input(widget)
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None


def focus_first_input(dialog: QWidget) -> QWidget | None:
    """Give the focus to the dialog's first input unless something in it already has it."""
    if dialog.focusWidget() is not None:
        return None
    target = first_input(dialog)
    if target is not None:
        target.setFocus(Qt.FocusReason.OtherFocusReason)
    return target


def fit_dialog(dialog: QWidget) -> None:
    """Shrink ``dialog`` to the free area of its screen (its layout may refuse to go below its
    minimum). Only the size: Qt centres a dialog over its parent inside that area when it is
    first shown, and a move here would stop it from doing so."""
    size = fitted_size(dialog.size(), available_rect(dialog))
    if size != dialog.size():
        dialog.resize(size)


# --- the application-wide watcher ---------------------------------------------------------------


class _DialogWatcher(QObject):
    """Sees every event of the application; acts only on a dialog's first show."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QDialog)
            and watched.isWindow()
            and not watched.property(_HANDLED)
        ):
            watched.setProperty(_HANDLED, True)
            if not isinstance(watched, _LEFT_ALONE):
                # the show event reaches the dialog after this: there Qt places it on screen
                fit_dialog(watched)
                focus_first_input(watched)
        return False


def install(app: QApplication) -> None:
    """Watch every dialog ``app`` shows. Calling it again does nothing."""
    found = app.findChild(QObject, _WATCHER_NAME, Qt.FindChildOption.FindDirectChildrenOnly)
    if found is not None:
        return
    watcher = _DialogWatcher(app)  # parented: lives as long as the application
    watcher.setObjectName(_WATCHER_NAME)
    app.installEventFilter(watcher)


# --- unsaved input ------------------------------------------------------------------------------

Snapshot = list[tuple[QWidget, object]]


def _value(widget: QWidget) -> object:
    """What ``widget`` holds, comparable with ``==``; None for a widget that holds no input."""
    if isinstance(widget, QLineEdit):
        inner = isinstance(widget.parent(), QAbstractSpinBox | QComboBox)  # read through its owner
        return None if inner or widget.isReadOnly() else widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return None if widget.isReadOnly() else widget.toPlainText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText())
    if isinstance(widget, QCheckBox | QRadioButton):
        return widget.isChecked()
    if isinstance(widget, QListWidget):
        items = (widget.item(row) for row in range(widget.count()))
        return [(item.text(), item.checkState(), item.data(Qt.ItemDataRole.UserRole)) for item in items]
    if isinstance(widget, QTableWidget):
        return [
            [_cell_text(widget, row, column) for column in range(widget.columnCount())]
            for row in range(widget.rowCount())
        ]
    return None


def _cell_text(table: QTableWidget, row: int, column: int) -> str:
    cell = table.item(row, column)
    return cell.text() if cell is not None else ""


def input_values(root: QWidget) -> Snapshot:
    """Every input inside ``root`` with what it holds now."""
    out: Snapshot = []
    for widget in root.findChildren(QWidget):
        value = _value(widget)
        if value is not None:
            out.append((widget, value))
    return out


class GuardedDialog(QDialog):
    """A dialog that asks “放弃修改？” before the user's Esc, 取消 or close button throws away
    what was typed. Connect the 取消 button to :meth:`cancel`; save with ``accept()``.

    What counts as a change is :meth:`has_unsaved_changes`: by default any input whose value
    differs from when the dialog was first shown. A dialog that knows better overrides it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown_values: Snapshot | None = None
        self._closing_by_code = False
        # made once, a child deleted with the dialog (one deleted on close crashed when its
        # dialog was deleted first)
        self._question: QMessageBox | None = None
        self._discard_button: QAbstractButton | None = None

    @property
    def discard_question(self) -> QMessageBox | None:
        """The “放弃修改？” question while it is open."""
        box = self._question
        return box if box is not None and box.isVisible() else None

    # --- what changed -------------------------------------------------------------------

    def take_snapshot(self) -> None:
        """Remember the inputs as they are now as the unchanged state."""
        self._shown_values = input_values(self)

    def has_unsaved_changes(self) -> bool:
        if self._shown_values is None:
            return False
        return any(
            shiboken6.isValid(widget) and _value(widget) != value for widget, value in self._shown_values
        )

    # --- closing -------------------------------------------------------------------------

    def cancel(self) -> None:
        """The user asked to close: at once if nothing changed, else after 放弃修改."""
        if not self.has_unsaved_changes():
            self.reject()
            return
        self.ask_to_discard()

    def ask_to_discard(self) -> None:
        open_question = self.discard_question
        if open_question is not None:
            open_question.activateWindow()
            return
        if self._question is None:
            box = QMessageBox(QMessageBox.Icon.Question, DISCARD_TITLE, DISCARD_TEXT, parent=self)
            box.setObjectName("discard_question")
            self._discard_button = box.addButton(DISCARD, QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton(KEEP_EDITING, QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)  # Enter or Esc on the question keeps what was typed
            box.setEscapeButton(keep)
            box.finished.connect(self._answered)
            self._question = box
        self._question.open()

    def _answered(self, _result: int) -> None:
        box = self._question
        if box is not None and box.clickedButton() is self._discard_button and self.isVisible():
            self.reject()

    # --- Qt events ----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        if self._shown_values is None and not event.spontaneous():
            fit_dialog(self)  # before QDialog's own show event places it on the screen
        super().showEvent(event)
        if self._shown_values is None:
            self.take_snapshot()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):  # Esc, which QDialog makes reject()
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    def close(self) -> bool:
        """Close from the program: without asking."""
        self._closing_by_code = True
        try:
            return super().close()
        finally:
            self._closing_by_code = False

    def closeEvent(self, event: QCloseEvent) -> None:
        # not from close() above: the window's close button (or Alt+F4)
        if not self._closing_by_code and self.isVisible() and self.has_unsaved_changes():
            event.ignore()
            self.ask_to_discard()
            return
        super().closeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        question = self.discard_question
        if question is not None:
            question.close()  # the dialog went (closed by code): its question goes with it
        super().hideEvent(event)
