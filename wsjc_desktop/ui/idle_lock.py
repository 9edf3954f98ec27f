"""Idle auto-lock: after some minutes without keyboard or mouse input, ask for the password again.

``IdleLock(window, db, member_id)`` watches every input event of the application (an event
filter on the QApplication). When ``minutes`` pass without any (setting
``security.idle_lock_minutes``, followed live when it is changed), or when ``lock_now()`` is
called (menu 锁定, Ctrl+L), it

* covers every open window (the main window and any dialog over it) with a plain panel and
  replaces their titles with “已锁定”, so no name of an official stays on an unattended screen;
* shows the lock dialog (objectName ``idle_lock_dialog``), application-modal over the main
  window, naming who is logged in and asking for their password. Only that member's password
  unlocks; a wrong one is said inline (and audited, as is the unlock: ``auth.unlock``).

Nothing underneath is touched: an edit dialog with unsaved input keeps its text, cursor and
focus, and its own ``exec()`` simply goes on once the lock is lifted (the lock dialog is shown
without a nested event loop of its own). Tests pass ``timeout_ms`` for a tiny timeout.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop import APP_TITLE
from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import auth, settings
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.dialogs.login_dialog import error_label, fit_height, hint_label, password_edit

#: Events that mean someone is at the keyboard or the mouse.
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.InputMethod,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
    }
)
LOCKED_TITLE = "已锁定"
#: Why the program is locked: the member's own Ctrl+L, or the idle timeout.
MANUAL_REASON = "已锁定。请输入本人口令解锁；未保存的内容都还在，解锁后可继续编辑。"
IDLE_REASON = "较长时间没有操作，程序已锁定。请输入本人口令解锁；未保存的内容都还在，解锁后可继续编辑。"
COVER_STYLE = "background: #eef1f5;"


class Cover(QWidget):
    """An opaque panel over the whole of one window while the program is locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("idle_lock_cover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet(COVER_STYLE)
        label = QLabel(f"{APP_TITLE}\n\n已锁定")
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        label.setStyleSheet("color: #8a94a3; background: transparent;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 24, 0, 0)
        layout.addWidget(label)
        layout.addStretch(1)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()


class LockDialog(QDialog):
    """The password prompt of a locked program. It cannot be closed without the password."""

    def __init__(self, lock: IdleLock, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.lock = lock
        self.setObjectName("idle_lock_dialog")
        self.setWindowTitle(LOCKED_TITLE)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)

        heading = QLabel(f"<h3>{LOCKED_TITLE}</h3>")
        self.who = QLabel()
        self.who.setObjectName("idle_lock_member")
        font = self.who.font()
        font.setBold(True)
        self.who.setFont(font)
        self.password = password_edit("unlock_password")
        self.error = error_label("unlock_error")
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("当前登录：", self.who)
        form.addRow("口令：", self.password)
        form.addRow("", self.error)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.unlock_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(heading)
        self.reason = hint_label(IDLE_REASON)
        self.reason.setObjectName("lock_reason")
        layout.addWidget(self.reason)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addLayout(bar)
        self.setMinimumWidth(420)

    def try_unlock(self) -> None:
        message = self.lock.unlock(self.password.text())
        if message is not None:
            self.error.setText(message)
            self.error.show()
            fit_height(self)
            self.password.clear()
            self.password.setFocus()

    def reset(self, who: str, *, idle: bool = False) -> None:
        self.who.setText(who)
        self.reason.setText(IDLE_REASON if idle else MANUAL_REASON)
        self.password.clear()
        self.error.hide()
        self.password.setFocus()

    # only the password closes it: no Escape, no close button, no Alt+F4
    def reject(self) -> None:
        pass

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.lock.is_locked:
            event.ignore()
            return
        super().closeEvent(event)


class IdleLock(QObject):
    """Locks the program after ``minutes`` without input; ``lock_now()`` locks at once."""

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        app_window: QWidget,
        db: Database,
        member_id: int,
        minutes: float | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> None:
        super().__init__(app_window)
        self.window = app_window
        self.db = db
        self.member_id = member_id
        self._follow_setting = minutes is None and timeout_ms is None
        self._timeout_ms = timeout_ms if timeout_ms is not None else self._minutes_ms(minutes)
        self._locked = False
        self._covers: dict[QWidget, Cover] = {}
        self._titles: dict[QWidget, str] = {}
        self._focus: QWidget | None = None
        self._active: QWidget | None = None
        self.dialog: LockDialog | None = None

        self._idle = QElapsedTimer()
        self._idle.start()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self._timer.start(self._timeout_ms)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        unsubscribe = db.subscribe(self._on_changes)
        self._unsubscribe = unsubscribe
        self.destroyed.connect(lambda *_: unsubscribe())

    # --- the timeout -------------------------------------------------------------------

    def _minutes_ms(self, minutes: float | None) -> int:
        if minutes is None:
            minutes = float(settings.get(self.db, "security.idle_lock_minutes"))
        return max(1, int(minutes * 60_000))

    @property
    def timeout_ms(self) -> int:
        return self._timeout_ms

    def set_timeout_ms(self, ms: int) -> None:
        """Lock after ``ms`` milliseconds without input (counted from the last input)."""
        self._timeout_ms = max(1, int(ms))
        if not self._locked:
            self._timer.start(max(0, self._timeout_ms - self._idle.elapsed()))

    def set_minutes(self, minutes: float) -> None:
        self.set_timeout_ms(self._minutes_ms(minutes))

    def _on_changes(self, changes: ChangeSet) -> None:
        if self._follow_setting and changes.touches("settings"):
            self.set_timeout_ms(self._minutes_ms(None))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in ACTIVITY:
            if not self._locked:
                self._idle.restart()
        elif kind == QEvent.Type.Resize and watched in self._covers:
            assert isinstance(watched, QWidget)
            self._covers[watched].setGeometry(watched.rect())
        return False

    def _check(self) -> None:
        if self._locked:
            return
        left = self._timeout_ms - self._idle.elapsed()
        if left <= 0:
            self.lock_now(idle=True)
        else:
            self._timer.start(left)

    # --- locking and unlocking -----------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self._locked

    def lock_now(self, *, idle: bool = False) -> None:
        """Cover every window and ask for the password (``idle``: the timeout locked it)."""
        if self._locked:
            if self.dialog is not None:
                self.dialog.activateWindow()
            return
        self._locked = True
        self._timer.stop()
        from wsjc_desktop.exchange import container

        container.forget_keys()  # exchange keys derived so far: asked for again after unlocking
        self._focus = QApplication.focusWidget()
        self._active = QApplication.activeWindow()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()  # an open drop-down or menu: closing it loses nothing typed
        if self.dialog is None:
            self.dialog = LockDialog(self, self.window)
        for window in QApplication.topLevelWidgets():
            if window is self.dialog or not window.isVisible():
                continue
            if window.windowType() not in (Qt.WindowType.Window, Qt.WindowType.Dialog):
                continue
            self._covers[window] = Cover(window)
            self._titles[window] = window.windowTitle()
            window.setWindowTitle(LOCKED_TITLE)
        try:
            who = auth.member_info(self.db, self.member_id).display
        except UserError:
            who = ""
        self.dialog.reset(who, idle=idle)
        self.dialog.show()  # a new modal window comes up on top of the others by itself
        self.dialog.activateWindow()
        self.dialog.password.setFocus()
        self.locked.emit()

    def unlock(self, password: str) -> str | None:
        """Lift the lock with the logged-in member's password; else the message to show."""
        try:
            auth.unlock(self.db, self.member_id, password)
        except UserError as exc:
            return exc.message
        self._lift()
        return None

    def _lift(self) -> None:
        for window, cover in self._covers.items():
            if shiboken6.isValid(cover):
                cover.hide()
                cover.deleteLater()
            if shiboken6.isValid(window):
                window.setWindowTitle(self._titles.get(window, window.windowTitle()))
        self._covers.clear()
        self._titles.clear()
        self._locked = False
        if self.dialog is not None:
            self.dialog.hide()
        if self._active is not None and shiboken6.isValid(self._active):
            self._active.activateWindow()
        if self._focus is not None and shiboken6.isValid(self._focus):
            self._focus.setFocus()
        self._focus = self._active = None
        self._idle.restart()
        self._timer.start(self._timeout_ms)
        self.unlocked.emit()

    def stop(self) -> None:
        """Stop watching (logging out, closing): no more locking."""
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._unsubscribe()
