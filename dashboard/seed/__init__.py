"""The history generator: Taizhou's city, registries and a calibrated three-year history, seeded into the database.

    python -m dashboard.seed [--profile small|default|large] [--today YYYY-MM-DD] [--reset] [--seed N]

`seed_database()` is the same from Python (the run command calls it). The modules, one job each: `profiles` (how
much), `city` (where: grids and their people), `people` (synthetic names, ID numbers, phones), `distributions`
(when, what, where and how long, shared with the live simulator), `calibration` (the counts behind the article's
figures), `registries`, `history` and `patrols` (the rows), `columns` (rows as arrays), `bulk` (the fast writers),
`seeder` (the whole run).
"""

from dashboard.seed.seeder import DEFAULT_SEED, SeedReport, seed_database

__all__ = ["DEFAULT_SEED", "SeedReport", "seed_database"]
