"""A chart as a view gives it: the rows behind it and the figure drawn from them (the page and its export share
both, so a download shows what the screen shows)."""

from __future__ import annotations

from typing import Any

import pandas as pd

Chart = tuple[pd.DataFrame, Any]
