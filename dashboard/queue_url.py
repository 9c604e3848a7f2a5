"""The filters of /queue in the address, so a queue is a link: `?state=mine&record=hazard&overdue=1&platform=governance`
(the state: `all` open, `mine` awaiting the account's step, or one open state; the record: `all`, `incident` or
`hazard`; `overdue=1`: only the overdue; the township platform of the item's department: `all` or one of the four).
Defaults are left out of the address: `/queue` is every open item of the account's area.

Parsing never raises: a bad value is named in a message (the parameter, its label and what it may be) and that
filter shows its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from dashboard.config import Language
from dashboard.data.handling import DONE, State
from dashboard.data.vocab import Platform
from dashboard.filter_url import SHOWN_CHARACTERS
from dashboard.i18n import t

ALL = "all"
OPEN_STATES = tuple(state.value for state in State if state not in DONE)
CHOICES: dict[str, tuple[str, ...]] = {  # each parameter's values, its default first
    "state": (ALL, "mine", *OPEN_STATES),
    "record": (ALL, "incident", "hazard"),
    "overdue": ("0", "1"),
    "platform": (ALL, *(platform.value for platform in Platform)),
}


@dataclass(frozen=True)
class QueueQuery:
    """The queue's filters as the address asks for them (valid values only), and what was wrong with it."""

    state: str = ALL
    record: str = ALL
    overdue: bool = False
    platform: str = ALL
    errors: tuple[str, ...] = field(default=(), compare=False)

    def search(self) -> str:
        """The address's query for these filters ('' for the defaults)."""
        return queue_search(self.state, self.record, self.overdue, self.platform)


def queue_search(state: str | None, record: str | None, overdue: bool, platform: str | None) -> str:
    """`?…` for the filters the page's controls hold, defaults and values no option has left out."""
    values = {"state": state, "record": record, "overdue": "1" if overdue else "0", "platform": platform}
    wanted = {name: value for name, value in values.items() if value in CHOICES[name][1:]}
    return f"?{urlencode(wanted)}" if wanted else ""


def bad_value(name: str, value: str, lang: Language | None = None) -> str:
    shown = value if len(value) <= SHOWN_CHARACTERS else value[:SHOWN_CHARACTERS] + "…"
    hint = t("queue.hint", lang, values=", ".join(CHOICES[name][1:] if name == "overdue" else CHOICES[name]))
    return t("filter.bad_value", lang, field=name, label=t(f"queue.field.{name}", lang), value=shown, hint=hint)


def parse_queue_query(query: Mapping[str, object], lang: Language | None = None) -> QueueQuery:
    """The filters `query` (the page's query parameters: a string each, a list when repeated) asks for."""
    chosen: dict[str, str] = {}
    errors = []
    for name, choices in CHOICES.items():
        value = query.get(name)
        if value is None or value == "":
            chosen[name] = choices[0]
        elif isinstance(value, str) and value in choices:
            chosen[name] = value
        else:
            written = ",".join(map(str, value)) if isinstance(value, list) else str(value)  # repeated: not one value
            errors.append(bad_value(name, written, lang))
            chosen[name] = choices[0]
    return QueueQuery(
        state=chosen["state"],
        record=chosen["record"],
        overdue=chosen["overdue"] == "1",
        platform=chosen["platform"],
        errors=tuple(errors),
    )
