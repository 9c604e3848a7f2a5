"""Bring your own city: import a grid map (GeoJSON) and historical records (CSV/XLSX) from another system.
See docs/importing.md; the command line is `python -m dashboard.importing` (cli.py)."""
