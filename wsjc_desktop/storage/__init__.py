"""Storage adapter: the SQLite file, migrations and the search index."""
