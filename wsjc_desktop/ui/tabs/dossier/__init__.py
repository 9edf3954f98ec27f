"""廉政档案: units and their cadres on the left; the chosen cadre's whole dossier on the right.

The dossier reads top to bottom like the paper file: who the cadre is and when the file was
last brought up to date, the basics, one editable table per section, the attachments, and a
timeline of every talk, meeting opinion and notice about the cadre.

The modules, in the order a reader meets them on screen:

* ``tree``: ``CadreTreeModel``, the units and their cadres (read unit by unit when there are many);
* ``header``: ``DossierHeader`` (name, post, when the file was updated) and ``BasicsPanel``;
* ``sections``: ``SectionPanel``, one table per section, and ``AttachmentsPanel``;
* ``timeline``: ``TimelineTable``, the talks, meeting opinions and notices about the cadre;
* ``tab``: ``DossierTab``, which lays them out, keeps them current and holds the actions;
* ``style``: the muted grey and the stale orange they share.

The main window loads the tab by this package's name (``REGISTER_TABS``).
"""

from __future__ import annotations

from wsjc_desktop.ui.tabs.dossier.header import BasicsPanel, DossierHeader
from wsjc_desktop.ui.tabs.dossier.sections import (
    ATTACHMENT_COLUMNS,
    AttachmentsPanel,
    SectionPanel,
    section_columns,
)
from wsjc_desktop.ui.tabs.dossier.tab import DossierTab
from wsjc_desktop.ui.tabs.dossier.timeline import TimelineTable
from wsjc_desktop.ui.tabs.dossier.tree import CadreTreeModel

__all__ = [
    "ATTACHMENT_COLUMNS",
    "AttachmentsPanel",
    "BasicsPanel",
    "CadreTreeModel",
    "DossierHeader",
    "DossierTab",
    "SectionPanel",
    "TimelineTable",
    "section_columns",
]
