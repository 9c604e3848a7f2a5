"""One entry for every tool and process of the app: `python -m dashboard COMMAND [ARGS]`; `python -m dashboard
COMMAND --help` tells each command's arguments. Each command is also its module's own `python -m`, which is how
`make run` starts its processes."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from typing import cast

# command -> (module holding `main(argv)`, what it does)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("dashboard.embedded", "the app on the embedded default (what `make run` runs)"),
    "users": ("dashboard.cli.users", "accounts: create, set, token, revoke, list"),
    "tokens": ("dashboard.cli.tokens", "the phones' device tokens: issue, revoke, list"),
    "seed": ("dashboard.seed.__main__", "seed the default city's history"),
    "import": ("dashboard.importing.cli", "import a city's grids and records from files"),
    "live": ("dashboard.pipeline.live", "rebuild the wall's live state from the database"),
    "consumer": ("dashboard.pipeline.consumer", "a stream consumer (any number, one group)"),
    "warning": ("dashboard.warning.__main__", "the early-warning worker"),
    "simulate": ("dashboard.simulate", "the live simulator of the grid workers' phones"),
}


def usage() -> str:
    lines = ["usage: python -m dashboard COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<10}{what}" for name, (_, what) in COMMANDS.items()]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(usage())
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        sys.stderr.write(f"error: unknown command {command!r}\n\n{usage()}")
        return 2
    module = importlib.import_module(COMMANDS[command][0])
    entry = cast(Callable[..., int], module.main)
    if command == "warning":  # the worker takes no arguments
        if rest:
            sys.stderr.write("error: the warning worker takes no arguments\n")
            return 2
        return entry()
    return entry(rest)


if __name__ == "__main__":
    sys.exit(main())
