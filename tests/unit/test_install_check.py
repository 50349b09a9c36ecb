"""Chinese input through fcitx/fcitx5 with the Qt the program carries (install_check.input_method_env)."""

from __future__ import annotations

from desktop_app.core.install_check import input_method_env

PYPI_QT = ["libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"]
VIA_PORTAL = {"QT_IM_MODULE": "ibus", "QT_IM_MODULES": "ibus", "IBUS_USE_PORTAL": "1"}


def test_fcitx_desktops_are_reached_through_the_bundled_ibus_plugin_and_portal() -> None:
    # UOS / Kylin set one of these; the PyPI Qt has no fcitx plugin
    assert input_method_env({"QT_IM_MODULE": "fcitx"}, PYPI_QT) == VIA_PORTAL
    assert input_method_env({"QT_IM_MODULE": "fcitx5"}, PYPI_QT) == VIA_PORTAL
    assert input_method_env({"QT_IM_MODULES": "wayland;fcitx"}, PYPI_QT) == VIA_PORTAL
    assert input_method_env({"XMODIFIERS": "@im=fcitx"}, PYPI_QT) == VIA_PORTAL


def test_other_input_methods_and_a_bundled_fcitx_plugin_are_left_alone() -> None:
    assert input_method_env({"QT_IM_MODULE": "ibus"}, PYPI_QT) == {}
    assert input_method_env({}, PYPI_QT) == {}
    assert input_method_env({"XMODIFIERS": "@im=ibus"}, PYPI_QT) == {}
    with_fcitx = [*PYPI_QT, "libfcitx5platforminputcontextplugin.so"]
    assert input_method_env({"QT_IM_MODULE": "fcitx"}, with_fcitx) == {}
    assert input_method_env({"QT_IM_MODULE": "fcitx"}, ["libcomposeplatforminputcontextplugin.so"]) == {}
