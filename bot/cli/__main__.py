"""`python -m bot.cli`: the command line."""

from bot.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
