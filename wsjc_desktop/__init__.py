"""WSJC Desktop — 派驻纪检监察组 监督工作台."""

__version__ = "0.1.0"
APP_NAME = "WSJC Desktop"
APP_TITLE = "派驻纪检监察组 监督工作台"
