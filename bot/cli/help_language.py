"""`studybot --help` and argparse's own words ("usage:", "the following arguments are
required") in the language the command asks for: `--lang` if the command line carries one,
else `LC_ALL`, `LC_MESSAGES` or `LANG`.

argparse looks its sentences up with the `gettext` module's default domain; they are in our
catalog instead (the list below marks them), and `help_language` points argparse's lookup at
the reader's `Words` for the rest of the process. Its `%`-placeholders stay as argparse fills
them. The pseudo-locale leaves argparse's words alone: accenting would break `%s`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot.cli.cli_words import cli_words
from bot.core.i18n import N_, Words

# argparse's sentences a person running the command can meet (Python 3.11 to 3.13)
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _lang_given(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def help_language(argv: Sequence[str]) -> Words:
    """The words for the command line's help and errors, and argparse's pointed at them."""
    words = cli_words(_lang_given(argv))
    if not words.pseudo:
        translations = words.translations
        setattr(argparse, "_", translations.gettext)  # noqa: B010 - argparse's own lookup
        setattr(argparse, "ngettext", translations.ngettext)  # noqa: B010
    return words
