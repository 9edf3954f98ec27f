"""Chinese input on UOS and Kylin: a session's QT_IM_MODULE=fcitx reaches fcitx 5 through Qt's
ibus plugin, which the program carries (fcitx's own Qt 6 plugin it does not)."""

from __future__ import annotations

from wsjc_desktop.ui.app import choose_input_method, input_context_plugins


def test_the_plugins_qt_has_here() -> None:
    plugins = input_context_plugins()
    assert {"ibus", "compose"} <= plugins
    assert not any("fcitx" in name for name in plugins)


def test_fcitx_goes_through_ibus_on_linux() -> None:
    plugins = {"ibus", "compose"}
    assert choose_input_method({"QT_IM_MODULE": "fcitx"}, plugins, "linux") == "ibus"
    assert choose_input_method({"QT_IM_MODULE": "fcitx5"}, plugins, "linux") == "ibus"
    assert choose_input_method({"QT_IM_MODULE": "FCITX "}, plugins, "linux") == "ibus"


def test_the_session_choice_is_kept_when_qt_can_follow_it() -> None:
    plugins = {"ibus", "compose", "fcitx5"}
    assert choose_input_method({"QT_IM_MODULE": "fcitx5"}, plugins, "linux") is None  # a plugin for it
    assert choose_input_method({"QT_IM_MODULE": "ibus"}, plugins, "linux") is None
    assert choose_input_method({}, plugins, "linux") is None  # none asked for: Qt's default
    assert choose_input_method({"QT_IM_MODULE": "fcitx"}, plugins, "win32") is None  # Windows: TSF
    # an input method with no way through: left as it is (Qt says so itself)
    assert choose_input_method({"QT_IM_MODULE": "scim"}, plugins, "linux") is None
    assert choose_input_method({"QT_IM_MODULE": "fcitx"}, {"compose"}, "linux") is None
