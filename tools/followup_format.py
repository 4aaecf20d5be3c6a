"""Dates the way a person writes them, in the reader's language.

``28 November 2026, 15:00`` in English, ``2026年11月28日 15:00`` in Chinese: no
time zone offset and no seconds (babel's "long" formats give
``2026年11月28日 +0800 15:00:00``). The shipped mail templates carry the same
babel patterns in their own text (the English source and its zh_CN
translation, so that an admin can change them there); the texts the addon
writes in Python (activity notes, the PDF summary) use these, and
``tests/test_dates.py`` checks that both give the same strings.
"""

from odoo.tools.misc import format_date, format_datetime, get_lang

# Babel patterns (date, date and time) by language, else English's.
HUMAN_PATTERNS = {
    "zh": ("y年M月d日", "y年M月d日 HH:mm"),
}
DEFAULT_PATTERNS = ("d MMMM y", "d MMMM y, HH:mm")


def human_patterns(env, lang_code=None):
    code = lang_code or get_lang(env).code or "en_US"
    return HUMAN_PATTERNS.get(code.split("_")[0], DEFAULT_PATTERNS)


def human_date(env, value, lang_code=None):
    """``28 November 2026`` / ``2026年11月28日``; empty for no date."""
    pattern = human_patterns(env, lang_code)[0]
    return format_date(env, value, lang_code=lang_code, date_format=pattern)


def human_datetime(env, value, tz, lang_code=None):
    """``28 November 2026, 15:00`` / ``2026年11月28日 15:00`` in ``tz``.

    ``value`` is a naive UTC datetime (Odoo's storage); ``tz`` a time zone name.
    """
    pattern = human_patterns(env, lang_code)[1]
    return format_datetime(env, value, tz=tz, dt_format=pattern, lang_code=lang_code)
