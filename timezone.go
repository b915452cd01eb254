package runnel

import (
	"context"
	"sync"
	"time"
)

// The time-zone state of a render, which Django keeps in thread-locals and
// runnel in the render's context.Context: the current time zone
// ({% timezone %}, Django's activate), whether times are converted to it for
// display ({% localtime %}), and times pinned to a zone by the localtime,
// utc and timezone filters. The tags and filters themselves are the tz
// library, runnel/templatetags/tz.
//
// runnel maps Django's settings this way: WithTimeZone(loc) is USE_TZ=True
// with TIME_ZONE=loc; without it, USE_TZ is False and the default time zone
// is the process's local zone (Django sets the process's TZ to TIME_ZONE).
// A Go time.Time always carries its location, so every value is an aware
// datetime; there are no naive ones.

// tzKey is the context key of the time zone selected by {% timezone %}: a
// *time.Location, nil meaning the default zone.
type tzKey struct{}

// useTZKey is the context key of the {% localtime on/off %} setting: a bool.
type useTZKey struct{}

// currentLocation returns the current time zone of the render (Django's
// get_current_timezone): the zone of the innermost {% timezone %} block, or
// the engine's zone (WithTimeZone), or else the process's local zone.
func (s *state) currentLocation() *time.Location {
	if s.ctx != nil {
		if loc, _ := s.ctx.Value(tzKey{}).(*time.Location); loc != nil {
			return loc
		}
	}
	if s.eng.loc != nil {
		return s.eng.loc
	}
	return time.Local
}

// useTZ reports whether times are converted to the current time zone for
// display: as set by the innermost {% localtime %} block, else whether the
// engine has a time zone (Django's USE_TZ).
func (s *state) useTZ() bool {
	if s.ctx != nil {
		if on, ok := s.ctx.Value(useTZKey{}).(bool); ok {
			return on
		}
	}
	return s.eng.loc != nil
}

// templateLocaltime converts t to the current time zone when the render
// displays times in it, as Django's template_localtime does. Output of
// {{ value }} and the filters Django marks expects_localtime (date, time)
// must go through it. A time returned by the localtime, utc and timezone
// filters is left in its zone.
func (s *state) templateLocaltime(t time.Time) time.Time {
	if !s.useTZ() || isPinned(t.Location()) {
		return t
	}
	return t.In(s.currentLocation())
}

// ContextWithTimeZone returns a copy of ctx in which loc is the current time
// zone of renders (Django's timezone.activate; nil restores the engine's
// default zone): what {% timezone %} does for its body.
func ContextWithTimeZone(ctx context.Context, loc *time.Location) context.Context {
	return context.WithValue(ctx, tzKey{}, loc)
}

// ContextWithLocaltime returns a copy of ctx in which times are converted to
// the current time zone for display (on) or shown in their own zone (off):
// what {% localtime on|off %} does for its body.
func ContextWithLocaltime(ctx context.Context, on bool) context.Context {
	return context.WithValue(ctx, useTZKey{}, on)
}

// InTimeZone returns t in loc, marked so that a render displays it in loc
// rather than converting it to the current time zone (Django's do_timezone,
// behind the localtime, utc and timezone filters).
func InTimeZone(t time.Time, loc *time.Location) time.Time { return t.In(pinLocation(loc)) }

// TimeZone returns the current time zone of the render (Django's
// get_current_timezone).
func (r *Renderer) TimeZone() *time.Location { return r.s.currentLocation() }

// Localtime returns t as {{ t }} displays it: converted to the current time
// zone when the render converts times (Django's template_localtime).
func (r *Renderer) Localtime(t time.Time) time.Time { return r.s.templateLocaltime(t) }

// ---- pinned locations ----

// The filters localtime, utc and timezone return a time that must be
// displayed in the zone it was converted to, not converted again (Django
// sets convert_to_local_time = False on it). runnel keeps the time a plain
// time.Time and marks its location instead: the filters convert to a
// private copy of the zone (same rules, same name), and templateLocaltime
// leaves times in such a copy alone.
var pinned struct {
	mu sync.Mutex
	of map[*time.Location]*time.Location // zone → its pinned copy
	is sync.Map                          // pinned copy → struct{}
}

// maxPinned bounds the pinned copies kept. Applications that load a new
// *time.Location for every request would otherwise grow the table without
// end; past the bound it starts afresh.
const maxPinned = 4096

// pinLocation returns the pinned copy of loc.
func pinLocation(loc *time.Location) *time.Location {
	pinned.mu.Lock()
	defer pinned.mu.Unlock()
	if p, ok := pinned.of[loc]; ok {
		return p
	}
	if pinned.of == nil || len(pinned.of) >= maxPinned {
		pinned.of = map[*time.Location]*time.Location{}
		pinned.is.Clear()
	}
	_ = loc.String() // loads time.Local's rules before they are copied
	cp := new(time.Location)
	*cp = *loc
	pinned.of[loc] = cp
	pinned.is.Store(cp, struct{}{})
	return cp
}

// isPinned reports whether loc is a pinned copy made by pinLocation.
func isPinned(loc *time.Location) bool {
	_, ok := pinned.is.Load(loc)
	return ok
}
