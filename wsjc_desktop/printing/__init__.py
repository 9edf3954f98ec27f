"""PDF slips in the official layout (GB/T 9704-2012). reportlab only: no Qt, no database.

Every function here takes plain values (see :mod:`wsjc_desktop.printing.values`) and writes
a PDF; the services gather the values from the database.

- :mod:`~wsjc_desktop.printing.slips`: the public renderers (``render_notice`` …) and
  ``unprintable_characters`` / ``UnprintableError``;
- :mod:`~wsjc_desktop.printing.fonts`: ``FontSet``, the fonts per role with per-character fallback;
- :mod:`~wsjc_desktop.printing.wording`: every fixed text printed, one place per slip kind;
- :mod:`~wsjc_desktop.printing.layout`, :mod:`~wsjc_desktop.printing.tables`,
  :mod:`~wsjc_desktop.printing.text`: the page grid, ruled tables and Chinese text rules.

Importing this package imports neither reportlab nor any font; both load on first use.
"""
