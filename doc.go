// Package runnel renders Django templates in Go and streams them.
//
// runnel implements the Django template language — {% extends %},
// {% block %}, {% include %}, filters, autoescaping, custom tag libraries —
// with a renderer that writes the page as it walks it instead of building it
// in memory. Data may hold late values (a [Future], a function of a
// context, a channel, an iterator): they start when rendering starts and run
// concurrently, the renderer flushes what it has written just before it
// waits for one, and {% defer %} sections are sent out of order into
// placeholders the moment they are ready. A page costs its slowest query,
// not the sum of them, and its <head> leaves the server at once.
//
// # Pipeline
//
// Each stage lives in one place:
//
//	source text → syntax (package syntax: lexer.go, parser.go, tree.go, expr.go)
//	            → compiled program (compile.go, inherit.go, tags_*.go, filters_*.go)
//	            → renderer writing to a stream (render.go, lookup.go, writer.go, late.go, stream.go, defer.go)
//	            → HTTP (http.go)
//
// Utility code (Django's date and number formats, HTML utilities, Python's
// string semantics) lives in packages under internal/; the libraries a
// template must {% load %} (cache, humanize, i18n, l10n, static, tz) are packages under
// templatetags/, written against the public tag API ([Library.Tag],
// [Renderer]). docs/architecture.md maps the packages and follows a request
// from template source to bytes on the wire.
//
// # Quick start
//
//	eng := runnel.New(os.DirFS("templates"))             // or an embed.FS
//	t, err := eng.Template("home.html")                  // parsed once, cached
//	err = t.Render(ctx, w, map[string]any{"user": user}) // or a struct
//
// Templates in several directories are searched in order, as with Django's
// DIRS and APP_DIRS: New(nil, [WithDirs](projectFS, sharedFS),
// [WithAppDirs](adminFS)); a template may {% extends %} its own name to
// extend the next directory's (see [Loader] and [Origin]).
//
// In an HTTP server, [Engine.Handler] or [Template.Serve] set the headers
// streaming needs, flush through middleware, pick the delivery mode per
// request ([ModeFor]) and cancel the render when the client goes away.
//
// # Values
//
// Data is a map[string]any or a struct (or a pointer to one). Lookups
// follow Django: {{ a.b }} tries a map key, then a field or method, then a
// list index. A Django-style name finds the Go name: {{ user.first_name }}
// finds FirstName (and a json tag). Methods and functions without
// arguments (or with only a context.Context) are called, and may return an
// error. Go maps have no order: runnel iterates them by sorted key; use
// [OrderedMap] for data whose order matters. Mark trusted HTML with
// [MarkSafe]. Python values without a Go counterpart have types of their
// own: [Tuple], [Decimal] (exact), and, since a time.Time always has a
// location (an aware datetime), [Date], [TimeOfDay] and [NaiveDateTime]. Text
// answers Python's str methods that take no arguments ({{ name.upper }}).
// See docs/compatibility.md for every difference from Django.
//
// # Errors
//
// Template errors are [*Error] values naming the template, line and column
// and showing the line with a caret. errors.Is tells their kinds apart as
// Django's exception classes: [ErrTemplateSyntaxError],
// [ErrTemplateDoesNotExist], [ErrVariableDoesNotExist], [ErrNoReverseMatch],
// [ErrValueError], [ErrTypeError]. Unknown tags and filters fail at parse
// time. A panic in a value or filter becomes an error; nothing panics the
// caller.
package runnel
