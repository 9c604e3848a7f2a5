"""The account of the request being served, for callbacks and routes: its role and the area it may see.

The guard (`dashboard.access.guard.guard`) has already refused any request without a login, so inside a callback
or a data route there is always an account; outside a request (a CLI, a test calling a function directly) there
is none, and asking for one is an error rather than a silent whole-city answer.
"""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from dashboard.access.login import Account
from dashboard.access.scope import OutOfScope, within
from dashboard.data.periods import Area


class NotLoggedIn(PermissionError):
    pass


def current_account() -> Account:
    if not has_request_context() or not current_user.is_authenticated:
        raise NotLoggedIn("login: no account for this request")
    account = current_user._get_current_object()
    assert isinstance(account, Account)
    return account


def current_scope() -> Area:
    return current_account().scope


def scoped(asked: Area | None) -> Area:
    """The area to show for what the client asked, within the account's scope (OutOfScope when disjoint)."""
    return within(current_scope(), asked)


__all__ = ["NotLoggedIn", "OutOfScope", "current_account", "current_scope", "scoped"]
