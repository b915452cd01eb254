// Package numberformat is Django's django.utils.numberformat and the number
// filters' arithmetic: floatformat (exact decimal rounding, grouping),
// filesizeformat, and floats in positional notation as Django prints them,
// with the separators of a locale or of the settings (Separators; EN is the
// en locale's). It imports internal/pystr for Python's Decimal and int()
// parsing, not the engine.
package numberformat
