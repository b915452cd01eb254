package runnel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnelhq/runnel/syntax"
)

// Error is a template error: a syntax error found while parsing, or a runtime
// error found while rendering. Its message names the template, line and
// column, and shows the line with a caret.
type Error = syntax.Error

// ErrTemplateDoesNotExist is the error (wrapped, see
// [TemplateDoesNotExistError]) when no template has the requested name, as
// Django's TemplateDoesNotExist: from [Engine.Template], and from rendering
// an {% extends %} or {% include %} of a missing template.
var ErrTemplateDoesNotExist = errors.New("template not found")

// ErrTemplateNotFound is [ErrTemplateDoesNotExist], under its earlier name.
var ErrTemplateNotFound = ErrTemplateDoesNotExist

// Engine loads, compiles, caches and renders templates from a file system.
// It is safe for concurrent use.
type Engine struct {
	dirs            []fs.FS  // New's fs.FS, then WithDirs'
	apps            []fs.FS  // WithAppDirs
	extraLoaders    []Loader // WithLoaders
	loaders         []Loader // searched in order: dirs, apps, extraLoaders
	autoescape      bool
	stringIfInvalid string
	strict          bool
	dev             bool
	libs            map[string]*Library
	extra           []*Library
	urlResolver     URLResolver
	translator      Translator
	languageCode    string // Django's LANGUAGE_CODE; "" is defaultLanguageCode
	loc             *time.Location
	debugTag        bool
	errorFragment   SafeString
	onError         func(context.Context, error)
	pageDeadline    time.Duration
	writeTimeout    time.Duration
	earlyHints      bool
	maxNesting      int // block tags open at once; 0: syntax.DefaultMaxNesting
	settings        Settings
	l10n            *l10nFormats     // nil: defaultL10n
	clock           func() time.Time // nil: time.Now
	limits          Limits
	allow           *allowSets // nil: every tag, filter and library
	noFlushWarned   sync.Map

	mu sync.RWMutex
	// gen counts the Resets: a template a node found for a constant name
	// (foundTemplate) stands while gen has not moved.
	gen atomic.Uint64
	// cache holds the template found by name (and skipped origins), as
	// *cacheEntry: read on every include and extends, so read without a
	// lock.
	cache    sync.Map
	compiled map[originKey]*cacheEntry // by origin: the template compiled from it
}

type cacheEntry struct {
	t       *Template
	err     error
	modTime time.Time
	size    int64
	src     string
}

// Option configures an Engine.
type Option func(*Engine)

// WithAutoescape turns HTML autoescaping on (the default) or off, like the
// autoescape option of Django's template backend.
func WithAutoescape(on bool) Option { return func(e *Engine) { e.autoescape = on } }

// WithStringIfInvalid sets what an undefined variable renders as, like
// Django's string_if_invalid (default ""). A "%s" in s is replaced by the
// variable's name.
func WithStringIfInvalid(s string) Option { return func(e *Engine) { e.stringIfInvalid = s } }

// invalid is what the undefined variable name renders as: string_if_invalid
// with its first "%s" replaced by the name.
func (e *Engine) invalid(name string) string {
	return strings.Replace(e.stringIfInvalid, "%s", name, 1)
}

// WithStrict makes using an undefined variable a render error, except as the
// input of a default or default_if_none filter.
func WithStrict() Option { return func(e *Engine) { e.strict = true } }

// WithDevMode makes the engine check, each time a template is fetched,
// whether its file changed, and recompile it if so; and search every
// loader again, so that a template added to an earlier directory than the
// one it was found in is used from then on.
func WithDevMode() Option { return func(e *Engine) { e.dev = true } }

// WithLibrary makes lib loadable as {% load name %}.
func WithLibrary(name string, lib *Library) Option {
	return func(e *Engine) { e.libs[name] = lib }
}

// WithBuiltins adds lib's tags and filters to every template without a
// {% load %}, like Django's "builtins" option.
func WithBuiltins(lib *Library) Option { return func(e *Engine) { e.extra = append(e.extra, lib) } }

// WithDebug makes {% debug %} output the render's context (it outputs
// nothing by default, as Django's does without DEBUG).
func WithDebug() Option { return func(e *Engine) { e.debugTag = true } }

// URLResolver reverses a URL name with arguments for the {% url %} tag, as
// Django's reverse() does. Return an error when no URL matches.
type URLResolver func(ctx context.Context, name string, args []any, kwargs map[string]any) (string, error)

// WithURLResolver sets the resolver {% url %} uses.
func WithURLResolver(r URLResolver) Option { return func(e *Engine) { e.urlResolver = r } }

// Translator translates text for the i18n tags, the _("…") syntax and the
// translation filters. The context is the render's context, so a translator
// can pick the request's language from it (see [WithLanguage]).
type Translator interface {
	Gettext(ctx context.Context, msgid string) string
	NGettext(ctx context.Context, singular, plural string, n int) string
	PGettext(ctx context.Context, msgctxt, msgid string) string
	NPGettext(ctx context.Context, msgctxt, singular, plural string, n int) string
}

// WithTranslator sets the translator (default: identity, English).
func WithTranslator(t Translator) Option { return func(e *Engine) { e.translator = t } }

// WithLanguageCode sets the engine's default language, Django's
// LANGUAGE_CODE setting (default "en-us", as in Django): the language of a
// render whose context selects none ([WithLanguage]), and the language a
// translator falls back to (see [LanguageCodeFrom]).
func WithLanguageCode(code string) Option { return func(e *Engine) { e.languageCode = code } }

// LanguageCode returns the engine's default language (see [WithLanguageCode]).
func (e *Engine) LanguageCode() string {
	if e.languageCode == "" {
		return defaultLanguageCode
	}
	return e.languageCode
}

// WithTimeZone sets the current time zone (Django's TIME_ZONE with
// USE_TZ=True): times are converted to it before they are displayed.
// Without it (USE_TZ=False) times display in their own location, and the
// localtime filter and {% get_current_timezone %} use time.Local.
func WithTimeZone(loc *time.Location) Option { return func(e *Engine) { e.loc = loc } }

// WithErrorHandler sets the function that receives render errors that
// cannot be returned because the page has already started to stream (and
// errors inside {% defer %} sections). The default logs them with log/slog.
func WithErrorHandler(fn func(ctx context.Context, err error)) Option {
	return func(e *Engine) { e.onError = fn }
}

// WithErrorFragment sets the HTML written in place of a part of a streamed
// page that failed after the first byte was sent, when the part has no
// {% error %} content of its own.
func WithErrorFragment(html SafeString) Option { return func(e *Engine) { e.errorFragment = html } }

// WithPageDeadline sets how long a served page may wait for its data (see
// StreamOptions.Deadline): for platforms and proxies that end requests
// after 30 or 60 seconds, so that the page's end is sent in time. Without
// it (the default) a page waits as long as its request's context allows,
// ending its waits a margin (a tenth of the time left, between 50 ms and
// 1 s) before that context's deadline, if it has one.
func WithPageDeadline(d time.Duration) Option { return func(e *Engine) { e.pageDeadline = d } }

// WithWriteTimeout sets the deadline of each write of a served page
// (default 30 s): a client that stops reading is disconnected after it,
// and the page's render cancelled. Zero or negative: no write deadline.
func WithWriteTimeout(d time.Duration) Option {
	return func(e *Engine) { e.writeTimeout = max(d, -1) }
}

// WithMaxNesting sets how deeply block tags may nest in a template
// (default syntax.DefaultMaxNesting, 512): a template that nests deeper
// fails to parse with an error that names the tag, its line and column.
// Lower it for templates that users edit (see also [WithLimits]).
func WithMaxNesting(n int) Option { return func(e *Engine) { e.maxNesting = n } }

// WithEarlyHints turns 103 Early Hints on (the default) or off: when on,
// a streamed or in-order page served to a GET request is preceded by a 103
// response whose Link headers name the stylesheets, preloads and scripts
// of its <head> (see Template.EarlyHints).
func WithEarlyHints(on bool) Option { return func(e *Engine) { e.earlyHints = on } }

// New returns an engine that loads templates from fsys (os.DirFS, embed.FS,
// fstest.MapFS, …). fsys may be nil when every template is parsed from a
// string, or when the templates are in the directories and loaders of
// [WithDirs], [WithAppDirs] and [WithLoaders]; fsys is the first of the
// directories.
func New(fsys fs.FS, opts ...Option) *Engine {
	e := &Engine{
		autoescape:    true,
		libs:          map[string]*Library{},
		compiled:      map[originKey]*cacheEntry{},
		errorFragment: `<p class="runnel-error">This part of the page could not be displayed.</p>`,
		writeTimeout:  30 * time.Second,
		earlyHints:    true,
	}
	if fsys != nil {
		e.dirs = append(e.dirs, fsys)
	}
	for _, o := range opts {
		o(e)
	}
	if len(e.dirs) > 0 {
		e.loaders = append(e.loaders, Dirs(e.dirs...))
	}
	if len(e.apps) > 0 {
		e.loaders = append(e.loaders, AppDirs(e.apps...))
	}
	e.loaders = append(e.loaders, e.extraLoaders...)
	return e
}

// Template returns the compiled template called name, loading and compiling
// it on first use. "page.html#card" names the partial "card" defined with
// {% partialdef card %} in page.html.
func (e *Engine) Template(name string) (*Template, error) {
	base, partial, _ := strings.Cut(name, "#")
	t, err := e.find(base, base, nil)
	if err != nil || partial == "" {
		return t, err
	}
	return t.partial(base, partial)
}

// partial returns t's partial called name; base is t's name.
func (t *Template) partial(base, name string) (*Template, error) {
	p, ok := t.partials[name]
	if !ok {
		return nil, fmt.Errorf("runnel: %s: no partial named %q: %w", base, name, ErrTemplateDoesNotExist)
	}
	return p, nil
}

// Parse compiles a template from a string. name is used in error messages
// and to resolve relative {% extends "./…" %} and {% include %} paths; the
// template is not cached.
func (e *Engine) Parse(name, src string) (*Template, error) {
	return e.compile(name, src)
}

// MustParse is like Parse but panics on error. It is meant for templates
// fixed at compile time, in tests and examples.
func (e *Engine) MustParse(name, src string) *Template {
	t, err := e.Parse(name, src)
	if err != nil {
		panic(err)
	}
	return t
}

// Render renders the template called name to w.
func (e *Engine) Render(ctx context.Context, w io.Writer, name string, data any) error {
	t, err := e.Template(name)
	if err != nil {
		return err
	}
	return t.Render(ctx, w, data)
}

// Template is a compiled template. It is safe for concurrent use.
type Template struct {
	eng    *Engine
	name   string
	src    string
	nodes  []node
	blocks map[string]*blockNode
	// blockList is blocks in name order, for registering them in a
	// render's inheritance chain without walking the map.
	blockList []*blockNode
	extends   *extendsNode
	partials  map[string]*Template
	awaits    []*awaitNode

	once        *onceInfo // uses of the data, for sequences read once (once.go)
	onceDecided onceCache

	hintsOnce sync.Once
	hints     []string // Link header values for 103 Early Hints

	origin *Origin // where it was loaded from; nil: parsed from a string
}

// Name returns the template's name.
func (t *Template) Name() string { return t.name }

// Render renders the template with data (a map[string]any, a struct or a
// pointer to one, or nil) to w. Output is written as the template is walked;
// it is buffered only up to a bound, so rendering a large page needs little
// memory. The context's cancellation stops the render.
//
// Late values in data (see [Go], [Future], channels, iterators and
// func(context.Context) (T, error) values) are started when rendering starts
// and waited for where they are used; output written so far is flushed to w
// first if w has a Flush method. Render returns every error; for a page
// that keeps streaming past an error, use [Template.Stream].
func (t *Template) Render(ctx context.Context, w io.Writer, data any) error {
	return t.render(ctx, w, data, StreamOptions{Mode: InOrder}, false)
}

// RenderString renders the template to a string.
func (t *Template) RenderString(ctx context.Context, data any) (string, error) {
	var b bytes.Buffer
	err := t.Render(ctx, &b, data)
	return b.String(), err
}

func (t *Template) render(ctx context.Context, w io.Writer, data any, opts StreamOptions, recoverErrors bool) (err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var bud *budget
	if t.eng.limited() {
		var cancel context.CancelFunc
		ctx, bud, cancel = t.eng.withBudget(ctx)
		defer cancel()
		defer func() { err = bud.timeErr(err) }()
	}
	// Translators and tags read the engine's LANGUAGE_CODE from the context
	// (LanguageCodeFrom); an enclosing render's engine may have set another.
	if code := t.eng.LanguageCode(); LanguageCodeFrom(ctx) != code {
		ctx = context.WithValue(ctx, langCodeKey{}, code)
	}
	s := statePool.Get().(*state)
	s.ctx, s.root = ctx, ctx
	s.bud, s.budLoaded = bud, true
	if !opts.Deadline.IsZero() {
		page, cancel := context.WithDeadlineCause(ctx, opts.Deadline, ErrPageDeadline)
		defer cancel()
		s.ctx, s.page = page, page
	}
	s.eng = t.eng
	s.out = &s.main
	s.autoescape = t.eng.autoescape
	s.tmpl, s.rootTmpl = t, t
	s.mode, s.nonce, s.scriptOnly, s.onError = opts.Mode, opts.Nonce, opts.ScriptOnly, t.eng.onError
	s.recover = recoverErrors && opts.Mode != Buffered
	s.main.done, s.main.next = ctx, flushSize
	s.main.limit, s.main.max = max(t.eng.limits.MaxOutputBytes, 0), -1
	if s.main.limit > 0 {
		s.main.max = s.main.limit // a buffered page
	}
	if opts.Mode != Buffered {
		s.main.dst = w
		s.main.flusher = opts.Flush
		if s.main.flusher == nil {
			s.main.flusher = flusherOf(w)
		}
	}
	switch d := data.(type) {
	case map[string]any:
		s.dataMap, s.rootGen = d, 1
		if hasLate(d) {
			s.streaming()
			s.startLate(d)
		}
	case nil:
	default:
		s.data = d
		s.startLateFields(d)
	}
	s.dataScope = len(s.scope) // the data's late values, bound before the template's names
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Template: t.name, Msg: fmt.Sprintf("internal error while rendering: %v", r), Err: fmt.Errorf("panic: %v\n%s", r, debug.Stack())}
		}
		if s.stream != nil {
			s.stream.stop()
		}
		s.reset()
		statePool.Put(s)
	}()
	if err = t.prelude(s); err == nil {
		err = t.execute(s)
	}
	if err == nil {
		err = s.drainSections()
	}
	if err != nil && !s.main.wrote {
		return err // nothing was sent: the caller can still answer with an error
	}
	if opts.Mode == Buffered {
		_, werr := w.Write(s.main.buf)
		return werr
	}
	s.main.drain()
	if err == nil {
		err = s.main.err
	}
	if err == nil && s.page != nil && s.page.Err() != nil && context.Cause(s.page) == ErrPageDeadline {
		err = ErrPageDeadline // the page is whole, but parts of it are missing
	}
	return err
}

// flusherOf returns w's Flush method, if it has one.
func flusherOf(w io.Writer) func() error {
	switch f := w.(type) {
	case interface{ Flush() error }:
		return f.Flush
	case interface{ Flush() }:
		return func() error { f.Flush(); return nil }
	}
	return nil
}

// hasLate reports whether a page's top-level data holds values to start
// before rendering: functions of a context, and iterators.
func hasLate(d map[string]any) bool {
	for _, v := range d {
		switch v.(type) {
		case nil, string, int, bool, float64, SafeString, map[string]any, []any:
			continue
		}
		if reflect.ValueOf(v).Kind() == reflect.Func {
			return true
		}
	}
	return false
}

// execute renders the template's nodes on s, with s.tmpl set to t.
func (t *Template) execute(s *state) error {
	saved := s.tmpl
	s.tmpl = t
	err := s.renderNodes(t.nodes)
	s.tmpl = saved
	return err
}

// resolveName turns a name used in {% extends %} or {% include %} into a
// template name, resolving "./" and "../" against the current template.
func resolveName(current, name string) (string, error) {
	if !strings.HasPrefix(name, "./") && !strings.HasPrefix(name, "../") {
		return name, nil
	}
	dir := path.Dir(current)
	joined := path.Join(dir, name)
	if strings.HasPrefix(joined, "../") || joined == ".." {
		return "", fmt.Errorf("The relative path '%s' points outside the file hierarchy that template '%s' is in.", name, current)
	}
	return joined, nil
}
