"""User accounts from the command line:

python -m dashboard users create NAME --role county_leader --area 331004 [--password P]
python -m dashboard users set NAME [--role R] [--area CODE|city] [--password P] [--disable|--enable]
python -m dashboard users token NAME        # a wall screen's login token, printed once
python -m dashboard users revoke NAME       # its tokens revoked, its sessions ended
python -m dashboard users list
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from collections.abc import Sequence

from sqlalchemy import select

from dashboard.access.accounts import (
    Keep,
    UserError,
    create_user,
    issue_login_token,
    revoke_login_tokens,
    update_user,
)
from dashboard.data.db import session_scope
from dashboard.data.models import UserAccount
from dashboard.data.vocab import Role


def _area(value: str) -> str | None:
    return None if value in ("", "city") else value


def new_password(role: Role, given: str | None, username: str) -> str:
    """A wall screen gets a random password nobody knows (it logs in by token only); a person the one given, or
    one asked for on the terminal."""
    if role is Role.WALL_SCREEN:
        if given:
            raise UserError("password: a wall screen logs in by token only (python -m dashboard users token)")
        return secrets.token_urlsafe(24)
    if given:
        return given
    if not sys.stdin.isatty():
        raise UserError("password: give --password (there is no terminal to ask for one on)")
    return getpass.getpass(f"password for {username}: ")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard users", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="a new user")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--area", default="city", help="county or township code; 'city' for the whole city")
    create.add_argument("--password", help="asked for when not given")
    create.add_argument("--name", default="", help="display name")
    change = commands.add_parser("set", help="change a user's role, area, password or state")
    change.add_argument("username")
    change.add_argument("--role", choices=[role.value for role in Role])
    change.add_argument("--area")
    change.add_argument("--password")
    change.add_argument("--disable", action="store_true")
    change.add_argument("--enable", action="store_true")
    token = commands.add_parser("token", help="a wall screen's login token (printed once)")
    token.add_argument("username")
    revoke = commands.add_parser("revoke", help="revoke a wall screen's tokens and end its sessions")
    revoke.add_argument("username")
    commands.add_parser("list", help="every user")
    args = parser.parse_args(argv)
    try:
        with session_scope() as session:
            if args.command == "create":
                password = new_password(Role(args.role), args.password, args.username)
                user = create_user(
                    session, args.username, password, Role(args.role), _area(args.area), display_name=args.name
                )
                sys.stdout.write(f"created {user.username} ({user.role}, {user.area_code or 'city'})\n")
            elif args.command == "set":
                user = update_user(
                    session,
                    args.username,
                    role=Role(args.role) if args.role else None,
                    area_code=Keep.AREA if args.area is None else _area(args.area),
                    password=args.password,
                    disabled=True if args.disable else False if args.enable else None,
                )
                sys.stdout.write(f"updated {user.username} ({user.role}, {user.area_code or 'city'})\n")
            elif args.command == "token":
                sys.stdout.write(issue_login_token(session, args.username) + "\n")
            elif args.command == "revoke":
                count = revoke_login_tokens(session, args.username)
                sys.stdout.write(f"revoked {count} token(s) of {args.username}\n")
            else:
                for user in session.scalars(select(UserAccount).order_by(UserAccount.username)):
                    state = "disabled" if user.disabled else "active"
                    sys.stdout.write(f"{user.username:<24}{user.role:<16}{user.area_code or 'city':<12}{state}\n")
    except UserError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
