"""PDF slips in the official layout (GB/T 9704-2012). reportlab and the field spec only: no Qt,
no database.

Every function here takes plain values (see :mod:`wsjc_desktop.printing.values`) and writes
a PDF; the services gather the values from the database. A form's field labels, and which
fields it prints, come from the field spec (:mod:`wsjc_desktop.domain.fields`, ``on_slip``).

- :mod:`~wsjc_desktop.printing.slips`: the public renderers (``render_notice`` …) and
  ``unprintable_characters`` / ``UnprintableError``;
- :mod:`~wsjc_desktop.printing.fonts`: ``FontSet``, the fonts per role with per-character fallback;
- :mod:`~wsjc_desktop.printing.wording`: every fixed text printed (not the field labels), one
  place per slip kind;
- :mod:`~wsjc_desktop.printing.layout`, :mod:`~wsjc_desktop.printing.tables`,
  :mod:`~wsjc_desktop.printing.text`: the page grid, ruled tables and Chinese text rules.

Importing this package imports neither reportlab nor any font; both load on first use.
"""
