// Package tz is Django's tz tag library ({% load tz %}): the localtime and
// timezone block tags, get_current_timezone, and the localtime, utc and
// timezone filters.
//
// The engine holds the time-zone state of a render (runnel.WithTimeZone is
// Django's TIME_ZONE with USE_TZ=True); these tags change it for their body
// through the render's context ([runnel.ContextWithTimeZone],
// [runnel.ContextWithLocaltime]), and the filters return times pinned to a
// zone ([runnel.InTimeZone]). Register the library under its Django name:
//
//	eng := runnel.New(fsys, runnel.WithLibrary("tz", tz.Library()))
package tz

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/internal/tagutil"
)

// Library returns the tz library.
func Library() *runnel.Library {
	return runnel.NewLibrary().
		Tag("localtime", runnel.TagSpec{End: "endlocaltime"}, tagutil.OnOffBlock(runnel.ContextWithLocaltime)).
		Tag("timezone", runnel.TagSpec{End: "endtimezone"}, compileTimezone).
		Tag("get_current_timezone", runnel.TagSpec{}, compileGetCurrentTimezone).
		Filter("localtime", func(r *runnel.Renderer, in any) any { return doTimezone(in, r.TimeZone()) }).
		Filter("utc", func(in any) any { return doTimezone(in, time.UTC) }).
		Filter("timezone", timezoneFilter)
}

// ---- zones by name ----

// zoneCache holds the zones loaded by name.
var zoneCache sync.Map // string → *time.Location

// loadZone returns the IANA time zone called name, as zoneinfo.ZoneInfo
// does. Go's special names "" and "Local" are not zone names there.
func loadZone(name string) (*time.Location, error) {
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("No time zone found with key %s", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("No time zone found with key %s", name)
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// zoneName is Django's _get_timezone_name: the zone's name, or its offset
// ("+0700") for an unnamed fixed zone. The process's local zone is named
// "Local" as Go knows no better.
func zoneName(loc *time.Location) string {
	if name := loc.String(); name != "" {
		return name
	}
	_, off := time.Now().In(loc).Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
}

// asString returns v's text when v is a string (of any string type).
func asString(v any) (string, bool) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// ---- filters ----

// doTimezone is Django's do_timezone: value converted to loc and pinned
// there; "" for a value that is not a time.
func doTimezone(value any, loc *time.Location) any {
	t, ok := value.(time.Time)
	if !ok {
		return ""
	}
	return runnel.InTimeZone(t, loc)
}

// timezoneFilter is {{ value|timezone:zone }}: zone is a *time.Location or
// a zone name; anything else, or an unknown name, gives "".
func timezoneFilter(in, arg any) any {
	switch a := arg.(type) {
	case *time.Location:
		if a == nil {
			return ""
		}
		return doTimezone(in, a)
	case time.Location:
		return doTimezone(in, &a)
	}
	name, ok := asString(arg)
	if !ok {
		return ""
	}
	loc, err := loadZone(name)
	if err != nil {
		return ""
	}
	return doTimezone(in, loc)
}

// ---- tags ----

// timezoneNode is {% timezone zone %}…{% endtimezone %}.
type timezoneNode struct {
	zone *runnel.Expr
	body runnel.Body
}

// compileTimezone compiles {% timezone %}.
func compileTimezone(p *runnel.TagParser) (runnel.Node, error) {
	bits := p.Bits()[1:]
	if len(bits) != 1 {
		return nil, fmt.Errorf("'%s' takes one argument (timezone)", p.Name())
	}
	zone, err := p.Expr(bits[0])
	if err != nil {
		return nil, err
	}
	body, err := p.Branches()[0].Body()
	if err != nil {
		return nil, err
	}
	return &timezoneNode{zone: zone, body: body}, nil
}

// Render renders the body with the zone as the current time zone: a
// *time.Location, a zone name, or None for the default zone. An unknown
// name is an error, as in Django.
func (n *timezoneNode) Render(r *runnel.Renderer) error {
	v, defined, err := n.zone.Lookup(r)
	if err != nil {
		return err
	}
	var loc *time.Location
	switch z := v.(type) {
	case nil:
		if defined {
			break
		}
		if loc, err = loadZone(""); err != nil {
			return err
		}
	case *time.Location:
		loc = z
	case time.Location:
		loc = &z
	default:
		name, ok := asString(z)
		if !ok {
			return fmt.Errorf("Invalid timezone: %s", runnel.Repr(z))
		}
		if loc, err = loadZone(name); err != nil {
			return err
		}
	}
	return r.RenderWith(runnel.ContextWithTimeZone(r.Context(), loc), n.body)
}

// currentTimezoneNode is {% get_current_timezone as var %}.
type currentTimezoneNode struct{ asvar string }

// compileGetCurrentTimezone compiles {% get_current_timezone %}.
func compileGetCurrentTimezone(p *runnel.TagParser) (runnel.Node, error) {
	args := append([]string{p.Name()}, strings.Fields(p.Args())...)
	if len(args) != 3 || args[1] != "as" {
		return nil, fmt.Errorf("'%s' requires 'as variable' (got %s)", p.Name(), runnel.Repr(args))
	}
	return &currentTimezoneNode{asvar: args[2]}, nil
}

// Render stores the name of the current time zone in the variable.
func (n *currentTimezoneNode) Render(r *runnel.Renderer) error {
	r.Set(n.asvar, zoneName(r.TimeZone()))
	return nil
}
