// Package templatetags registers the optional tag libraries that Django
// ships, each a package of its own written against runnel's public tag API:
//
//	cache    {% load cache %}    github.com/runnelhq/runnel/templatetags/cache
//	humanize {% load humanize %} github.com/runnelhq/runnel/templatetags/humanize
//	i18n    {% load i18n %}    github.com/runnelhq/runnel/templatetags/i18n
//	l10n    {% load l10n %}    github.com/runnelhq/runnel/templatetags/l10n
//	static  {% load static %}  github.com/runnelhq/runnel/templatetags/static
//	tz      {% load tz %}      github.com/runnelhq/runnel/templatetags/tz
//
// A template must {% load %} a library before it uses its tags and filters,
// as in Django; the engine must know the library first. One line registers
// them all with their default settings:
//
//	eng := runnel.New(fsys, templatetags.All())
//
// A library with other settings is registered after All, which it
// replaces:
//
//	eng := runnel.New(fsys, templatetags.All(),
//		runnel.WithLibrary("static", static.Library(static.Options{StaticURL: "https://cdn.example.com/"})))
package templatetags

import (
	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/cache"
	"github.com/runnelhq/runnel/templatetags/humanize"
	"github.com/runnelhq/runnel/templatetags/i18n"
	"github.com/runnelhq/runnel/templatetags/l10n"
	"github.com/runnelhq/runnel/templatetags/static"
	"github.com/runnelhq/runnel/templatetags/tz"
)

// All registers every library of this package under its Django name, with
// default settings.
func All() runnel.Option {
	libs := map[string]*runnel.Library{
		"cache":    cache.Library(cache.Options{}),
		"humanize": humanize.Library(humanize.Options{}),
		"i18n":     i18n.Library(),
		"l10n":     l10n.Library(),
		"static":   static.Library(static.Options{}),
		"tz":       tz.Library(),
	}
	return func(e *runnel.Engine) {
		for name, lib := range libs {
			runnel.WithLibrary(name, lib)(e)
		}
	}
}
