"""Excel adapters: ledgers out (:mod:`.writer`), rosters in. Imports no Qt and no database."""
