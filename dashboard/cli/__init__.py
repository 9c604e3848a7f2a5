"""Command-line tools that are not processes of their own: accounts (`users`) and the phones' tokens (`tokens`).
Every tool and process of the app is reached from one entry, `python -m dashboard` (dashboard/__main__.py)."""
