"""Discord's own localisations of `/study` from the core's catalogs: descriptions, choices and
the response modal in the member's client language. Command and option names stay English:
they are what members type and what the help and the other platforms show."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.i18n import DEFAULT, Words, normalize, resolve

DESCRIPTION_MAX = 100  # Discord's limit on a description, in every language
CHOICE_MAX = 100
_NAMES = (
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
)


def words_for(locale: discord.Locale | str | None) -> Words:
    """The words for a Discord locale ("es-419", "pt-BR"); English for the ones we lack."""
    value = locale.value if isinstance(locale, discord.Locale) else locale
    return resolve(normalize(value) or DEFAULT)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CatalogTranslator(app_commands.Translator):
    """Serves `name_localizations`/`description_localizations` when the tree is synced."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if context.location in _NAMES:
            return None
        code = normalize(locale.value)
        if code is None or code == DEFAULT:
            return None
        words = resolve(code)
        shown = words.gettext(string.message)
        limit = (
            CHOICE_MAX
            if context.location is app_commands.TranslationContextLocation.choice_name
            else DESCRIPTION_MAX
        )
        if shown == string.message:
            return None  # not translated: Discord shows the English itself
        return _short(shown, limit)
