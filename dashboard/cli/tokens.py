"""Device tokens of the phones from the command line:

python -m dashboard tokens issue --device D --worker W    # printed once
python -m dashboard tokens revoke --device D
python -m dashboard tokens list
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy import select

from dashboard.data.db import session_scope
from dashboard.data.models import DeviceToken
from dashboard.data.tokens import TokenError, issue_token, revoke_tokens


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard tokens", description="Device tokens for the API.")
    commands = parser.add_subparsers(dest="command", required=True)
    issue = commands.add_parser("issue", help="issue a token for a device (printed once)")
    issue.add_argument("--device", required=True, help="the device id the phone sends")
    issue.add_argument("--worker", help="the grid worker's code the device belongs to")
    revoke = commands.add_parser("revoke", help="revoke every token of a device")
    revoke.add_argument("--device", required=True)
    commands.add_parser("list", help="list devices with live tokens")
    args = parser.parse_args(argv)
    with session_scope() as session:
        if args.command == "issue":
            try:
                sys.stdout.write(issue_token(session, args.device, args.worker) + "\n")
            except TokenError as error:
                sys.stderr.write(f"error: {error}\n")
                return 2
        elif args.command == "revoke":
            count = revoke_tokens(session, args.device)
            if not count:
                sys.stderr.write(f"device {args.device!r} has no live token\n")
                return 1
            sys.stdout.write(f"revoked {count} token(s) of {args.device}\n")
        else:
            rows = session.execute(
                select(DeviceToken.device_id, DeviceToken.worker_code, DeviceToken.created_at)
                .where(DeviceToken.revoked_at.is_(None))
                .order_by(DeviceToken.device_id)
            )
            for device_id, worker, created in rows:
                sys.stdout.write(f"{device_id}\t{worker or '-'}\t{created:%Y-%m-%d %H:%M}Z\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
