"""出租房案件 as rows and charts: the summary facts, the areas ranked and the top grids, each from one filter; the
page's callbacks and its exports draw the same."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.config import Language
from dashboard.data import rental
from dashboard.data.ranking import ranked, residents_by_child
from dashboard.figures import rental_housing as figures
from dashboard.filter_url import StoredFilter
from dashboard.views.chart import Chart


def rental_summary_facts(
    session: Session, shown: StoredFilter, lang: Language
) -> tuple[pd.DataFrame, list[figures.Fact]]:
    summary = rental.rental_summary(session, shown.drill)
    return summary, figures.rental_facts(summary, compare=shown.drill.compare.value, lang=lang)


def rental_areas_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    by_area = ranked(
        rental.rental_by_area(session, shown.drill), "rental", residents_by_child(session, shown.drill.area)
    )
    return by_area, figures.rental_by_area(by_area, compare=shown.drill.compare.value, lang=lang)


def rental_grids_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    grids = rental.top_rental_grids(session, shown.drill)
    return grids, figures.top_grids(grids, lang=lang)
