// Package htmlutil is Django's django.utils.html for Go: escaping, a port of
// the tokenizer of Python's html.parser (which strip_tags and the HTML
// truncation filters are built on, and whose handling of malformed markup
// they inherit), strip_tags, HTML-aware truncation, Python's html.unescape,
// and urlize. It does not import the engine.
package htmlutil
