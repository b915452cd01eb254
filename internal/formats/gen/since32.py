"""Locales Django added after 3.2, with their format settings as current
Django (5.x/6.0) has them: ms (Malay, Django 4.0), ckb (Central Kurdish,
Django 4.1) and ug (Uyghur, Django 5.0). gen.py uses an entry only when the
locale directory it reads lacks the locale. Settings a locale leaves to
the project's settings are absent."""

LOCALES = {
    "ckb": {
        "DATE_FORMAT": "j F Y",
        "TIME_FORMAT": "G:i",
        "DATETIME_FORMAT": "j F Y، کاتژمێر G:i",
        "YEAR_MONTH_FORMAT": "F Y",
        "MONTH_DAY_FORMAT": "j F",
        "SHORT_DATE_FORMAT": "Y/n/j",
        "SHORT_DATETIME_FORMAT": "Y/n/j، G:i",
        "FIRST_DAY_OF_WEEK": 6,
        "DECIMAL_SEPARATOR": ".",
        "THOUSAND_SEPARATOR": ",",
    },
    "ms": {
        "DATE_FORMAT": "j M Y",
        "TIME_FORMAT": "P",
        "DATETIME_FORMAT": "j M Y, P",
        "YEAR_MONTH_FORMAT": "F Y",
        "MONTH_DAY_FORMAT": "j F",
        "SHORT_DATE_FORMAT": "d/m/Y",
        "SHORT_DATETIME_FORMAT": "d/m/Y P",
        "FIRST_DAY_OF_WEEK": 0,
        "DATE_INPUT_FORMATS": [
            "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y",
            "%d %b %Y", "%d %b, %Y", "%d %B %Y", "%d %B, %Y",
        ],
        "DATETIME_INPUT_FORMATS": [
            "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M",
            "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S.%f", "%d/%m/%Y %H:%M",
            "%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M:%S.%f", "%d/%m/%y %H:%M",
        ],
        "DECIMAL_SEPARATOR": ".",
        "THOUSAND_SEPARATOR": ",",
        "NUMBER_GROUPING": 3,
    },
    "ug": {
        "DATE_FORMAT": "j F Y",
        "TIME_FORMAT": "G:i",
        "YEAR_MONTH_FORMAT": "F Y",
        "MONTH_DAY_FORMAT": "j F",
        "SHORT_DATE_FORMAT": "Y/m/d",
        "SHORT_DATETIME_FORMAT": "Y/m/d G:i",
        "FIRST_DAY_OF_WEEK": 1,
        "DECIMAL_SEPARATOR": ".",
        "THOUSAND_SEPARATOR": ",",
        "NUMBER_GROUPING": 3,
    },
}

# Settings current Django changed since 3.2, by locale: gen.py applies them
# over the files of a Django 3.x. Found by comparing 3.2's files with
# current Django's for a sample of locales (ca, hi, ru) and with the formats
# Django's test suite asserts (tests/i18n/tests.py FormattingTests: ca, de,
# en, es; Catalan's DATE_FORMAT became r"j E \d\e Y", with the genitive
# month names of "E"). Locales outside the sample may differ.
CHANGED = {
    "ca": {
        "DATE_FORMAT": r"j E \d\e Y",
        "DATETIME_FORMAT": r"j E \d\e Y \a \l\e\s G:i",
        "MONTH_DAY_FORMAT": r"j E",
    },
}
