// Package numberformat is Django's django.utils.numberformat and the number
// filters' arithmetic, with the en locale: floatformat (exact decimal
// rounding, grouping), filesizeformat, and floats in positional notation as
// Django prints them. It imports internal/pystr for Python's Decimal and
// int() parsing, not the engine.
package numberformat
