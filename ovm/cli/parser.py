"""The command line's parser, speaking the language of the command line it parses.

argparse words its own messages (a missing argument, an option it does not know, a value that
is not among the choices) in English before ovm sees them. :class:`Parser` says them in the
language asked: the language is read from the command line before argparse parses it
(:func:`language_of`), and each message argparse gives is matched against the English of the
catalogue's ``argparse_error_*`` entries, whose translation then words it with the same parts.
A message no entry matches (one a later Python words otherwise) stays as argparse said it.
The usage line's prefix, the ``error`` label and the help's section titles come from the
catalogue too. English is argparse's own, unchanged.

The help's own texts (the description, each command's summary, each option's help, the titles
of option groups) are written in English where the options are added; each is the English of a
``cli_help_*`` entry, whose translation the help shows (:func:`help_text`).
"""

from __future__ import annotations

import argparse
import functools
import re
import string
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

ARGUMENT = "argparse_error_argument"
"""The entry of argparse's ``argument NAME: MESSAGE``: its message is worded in turn."""

APPENDED_LANG = ("form", "template")
"""Commands whose ``--lang`` may be given several times: the first one given leads."""


def language_of(argv: Sequence[str]) -> str:
    """The language a command line asks for with ``--lang X`` or ``--lang=X`` (of ``X,Y``,
    the first), before it is parsed: the last one given, or the first for the commands of
    :data:`APPENDED_LANG` (as their ``--lang`` is read); English when none is one ovm speaks."""
    from ovm.i18n import LANGUAGES

    found: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        first = value.split(",")[0].strip()
        if first in LANGUAGES:
            found.append(first)
    if not found:
        return "en"
    # The command is the first word that is not an option nor the value of a --lang.
    command = next(
        (
            a
            for i, a in enumerate(argv)
            if not a.startswith("-") and (i == 0 or argv[i - 1] != "--lang")
        ),
        None,
    )
    return found[0] if command in APPENDED_LANG else found[-1]


def lang_after_command(argv: Sequence[str]) -> list[str]:
    """``argv`` with a ``--lang`` given before the command (``ovm --lang fr score ...``) moved
    just after it, where the command reads it; dropped when no command follows (``ovm --lang fr
    --help``), whose language :func:`language_of` has already read."""
    before: list[str] = []
    moved: list[str] = []
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        arg = argv[i]
        if arg == "--lang" and i + 1 < len(argv):
            moved += argv[i : i + 2]
            i += 2
            continue
        if arg.startswith("--lang="):
            moved.append(arg)
        else:
            before.append(arg)
        i += 1
    rest = list(argv[i:])
    if not moved:
        return list(argv)
    if not rest or rest[0] == "--":
        return before + rest
    return [*before, rest[0], *moved, *rest[1:]]


HELP = "cli_help_"
"""The prefix of the catalogue entries of the help's texts."""


@functools.cache
def _help_texts(lang: str) -> dict[str, str]:
    """Each help text's English, mapped to its wording in ``lang``."""
    from ovm.i18n import messages

    english, worded = messages("en"), messages(lang)
    return {english[k][0]: worded[k][0] for k in english if k.startswith(HELP)}


def help_text(text: str, lang: str) -> str:
    """A help text (an option's help, a description, a group's title) in ``lang``: the
    translation of the ``cli_help_*`` entry whose English it is; as given when none is."""
    if lang == "en":
        return text
    return _help_texts(lang).get(text, text)


def _pattern(english: str) -> re.Pattern[str]:
    """The messages an English catalogue text matches, each placeholder a named group."""
    out = ""
    for literal, name, _spec, _conv in string.Formatter().parse(english):
        out += re.escape(literal)
        if name:
            out += f"(?P<{name}>.+?)"
    return re.compile(out, re.DOTALL)


@functools.cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each ``argparse_error_*`` entry with the patterns of its English forms."""
    from ovm.i18n import messages, msgids

    return tuple(
        (key, _pattern(form))
        for key in msgids()
        if key.startswith("argparse_error_")
        for form in messages("en")[key]
    )


def _worded(message: str, lang: str) -> str:
    from ovm.i18n import gettext

    for key, pattern in _patterns():
        found = pattern.fullmatch(message)
        if found is None:
            continue
        parts: dict[str, object] = dict(found.groupdict())
        if key == ARGUMENT:
            parts["message"] = _worded(str(parts["message"]), lang)
        if "n" in parts:
            parts["n"] = int(str(parts["n"])) if str(parts["n"]).isdigit() else parts["n"]
        return gettext(key, lang, **parts)
    return message


def argparse_message(message: str, lang: str) -> str:
    """An argparse message (as argparse words it in English) in ``lang``: the catalogue's
    sentence, spaced as the language writes it, with the values of the command line (an
    option's name, the value refused) exactly as typed."""
    if lang == "en":
        return message
    return _worded(message, lang)


class Formatter(argparse.HelpFormatter):
    """argparse's help and usage, the ``usage:`` prefix in the parser's language and the
    colon after each section's title spaced as the language writes it."""

    def __init__(self, prog: str, *, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(prog, **kwargs)
        self.lang = lang

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        """The usage line, prefixed in the parser's language."""
        if prefix is None and self.lang != "en":
            from ovm.i18n import gettext, punctuate

            prefix = punctuate(gettext("argparse_usage", self.lang), self.lang) + " "
        super().add_usage(usage, actions, groups, prefix)

    def start_section(self, heading: str | None) -> None:
        """A section (``options:``): argparse writes the colon after the title, so the space
        the language sets before a colon (French: a narrow no-break one) ends the title."""
        if heading and self.lang != "en":
            from ovm.i18n import punctuate

            heading += punctuate(":", self.lang)[:-1]
        super().start_section(heading)


class Parser(argparse.ArgumentParser):
    """ovm's argument parser: argparse's messages, usage line and help titles in ``lang``;
    a wrong use exits with status 2, as argparse's does."""

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", functools.partial(Formatter, lang=lang))
        super().__init__(*args, **kwargs)
        self.lang = lang
        if lang != "en":
            from ovm.i18n import gettext

            self._positionals.title = gettext("argparse_positionals", lang)
            self._optionals.title = gettext("argparse_options", lang)
            for action in self._actions:
                if isinstance(action, argparse._HelpAction):
                    action.help = gettext("argparse_help", lang)

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse drops a write the system refuses; the help or version asked for on standard
        # output fails as a command's result does there (ovm.cli.app._flushed says it). On
        # standard error (a wrong use) nothing could say it: dropped as argparse does.
        out = file or sys.stderr
        try:
            if message and out is not None:
                out.write(message)
        except OSError:
            if out is sys.stdout:
                raise

    def format_help(self) -> str:
        """The help, its texts in the parser's language (translated now, when every option
        and group has been added, wherever it was added)."""
        if self.lang != "en":
            self._word_help()
        return super().format_help()

    def _word_help(self) -> None:
        lang = self.lang
        if self.description:
            self.description = help_text(self.description, lang)
        for group in self._action_groups:
            if group.title:
                group.title = help_text(group.title, lang)
            if group.description:
                group.description = help_text(group.description, lang)
        for action in self._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                action.help = help_text(action.help, lang)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.help:
                        choice.help = help_text(choice.help, lang)

    def add_subparsers(self, **kwargs: Any) -> Any:
        """Subcommands parsed by parsers of the same language."""
        kwargs.setdefault("parser_class", functools.partial(Parser, lang=self.lang))
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        """Print the usage and ``message`` in the parser's language; exit with status 2."""
        if self.lang == "en":
            super().error(message)
        from ovm.i18n import colon, gettext

        self.print_usage(sys.stderr)
        label = gettext("severity_error", self.lang)
        said = argparse_message(message, self.lang)
        self.exit(2, f"{self.prog}: {label}{colon(self.lang)} {said}\n")
