"""Reading the form of a new record as the user gets it, and what it should hold."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtWidgets import QWidget

from tests.ui.modal import answer_modals
from wsjc_desktop.domain.fields import RecordSpec
from wsjc_desktop.services.display import format_date
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import RecordDialog


def as_entered(value: Any) -> Any:
    """A stored value as a form's input gives it back: a date as typed, an enum as its value."""
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Enum):
        return value.value
    return value


def blank_form(ctx: AppContext, spec: RecordSpec) -> dict[str, Any]:
    """The values of ``spec``'s form opened with nothing in it."""
    dialog = RecordDialog(spec, ctx.lookups, lambda _values: None, title="空白")
    try:
        return dialog.values()
    finally:
        dialog.deleteLater()


def new_form(
    open_form: Callable[[], object], *, look: Callable[[RecordDialog], None] | None = None
) -> dict[str, Any]:
    """Open the form of a new record (``open_form``: the button or menu item), read what its
    inputs hold and cancel it. ``look`` sees the form first."""
    seen: list[dict[str, Any]] = []

    def read(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog), type(widget)
        if look is not None:
            look(widget)
        seen.append(widget.values())
        widget.reject()

    answer_modals(read)
    open_form()
    assert len(seen) == 1, "no form opened"
    return seen[0]


def form_with(ctx: AppContext, spec: RecordSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """What the inputs of ``spec``'s form hold when it opens with ``values`` and nothing else (a
    required choice shows its first one)."""
    return blank_form(ctx, spec) | {name: as_entered(value) for name, value in values.items()}
