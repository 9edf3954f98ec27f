"""The small pieces every 设置 page shares: the grey hint under an input, the red message that
says why a value was refused, and the colour of a preview or a status that is fine.

``settings_dialog`` (the dialog and its 基本信息, 文号, 组内人员 and 文件夹与字体 pages) and
``holiday_page`` (节假日) both build from these, so the pages look alike.
"""

from __future__ import annotations

from wsjc_desktop.ui.styles import error_label as error_label
from wsjc_desktop.ui.styles import hint_label as hint_label

PREVIEW_STYLE = "color: #1a5276;"
