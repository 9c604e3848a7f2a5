"""`python -m dashboard.importing`: see cli.py."""

import sys

from dashboard.importing.cli import main

sys.exit(main())
