//go:build djangobridge

package runnel_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/syntax"
	"github.com/runnelhq/runnel/templatetags/cache"
	"github.com/runnelhq/runnel/templatetags/humanize"
	"github.com/runnelhq/runnel/templatetags/i18n"
	"github.com/runnelhq/runnel/templatetags/l10n"
	"github.com/runnelhq/runnel/templatetags/static"
	"github.com/runnelhq/runnel/templatetags/tz"
)

// TestDjangoBridge serves scripts/djangotests/driver.py: it reads one JSON
// request a line on stdin and answers one JSON line on stdout. It runs only
// with DJANGO_BRIDGE=1 (the test binary is built with -tags djangobridge).
func TestDjangoBridge(t *testing.T) {
	if os.Getenv("DJANGO_BRIDGE") != "1" {
		t.Skip("DJANGO_BRIDGE=1 not set")
	}
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	bridgeIO = struct {
		in  *bufio.Reader
		out *bufio.Writer
	}{in, out}
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			resp := bridgeHandle(line)
			b, _ := json.Marshal(resp)
			out.Write(b)
			out.WriteByte('\n')
			out.Flush()
		}
		if err != nil {
			return
		}
	}
}

type bridgeReq struct {
	Templates  map[string]string `json:"templates"`
	Libraries  []string          `json:"libraries"`
	Invalid    string            `json:"invalid"`
	Autoescape *bool             `json:"autoescape"`
	// URLConf: Django has a ROOT_URLCONF; {% url %} reverses through the
	// driver.
	URLConf bool `json:"urlconf"`
	// Settings are Django's settings that runnel has options for.
	Settings struct {
		Debug     bool   `json:"DEBUG"`
		StaticURL string `json:"STATIC_URL"`
		MediaURL  string `json:"MEDIA_URL"`
	} `json:"settings"`
	// Language is the active language when it is not the default (null:
	// translation deactivated).
	Language *json.RawMessage `json:"language"`
	Op       string           `json:"op"` // "compile", "render", "string"
	Name     string           `json:"name"`
	Src      string           `json:"src"`
	Context  json.RawMessage  `json:"context"`
}

type bridgeErr struct {
	Phase string `json:"phase"` // compile, render, data
	Kind  string `json:"kind"`  // syntax, notfound, other
	Msg   string `json:"msg"`
}

// bridgeIO is the driver's pipe, for the calls back into Python that a
// render makes ({% url %} reverses names with Django's own URL conf).
var bridgeIO struct {
	in  *bufio.Reader
	out *bufio.Writer
}

// bridgeReverse asks the driver to reverse a URL name with Django's
// reverse(): a {"reverse": …} line out, one JSON answer line back.
func bridgeReverse(_ context.Context, name string, args []any, kwargs map[string]any) (string, error) {
	enc := func(v any) any {
		switch x := v.(type) {
		case string, int, int64, float64, bool, nil:
			return x
		case runnel.SafeString:
			return string(x)
		}
		return runnel.ToString(v)
	}
	ea := make([]any, len(args))
	for i, a := range args {
		ea[i] = enc(a)
	}
	ek := map[string]any{}
	for k, v := range kwargs {
		ek[k] = enc(v)
	}
	b, _ := json.Marshal(map[string]any{"reverse": map[string]any{"name": name, "args": ea, "kwargs": ek}})
	bridgeIO.out.Write(b)
	bridgeIO.out.WriteByte('\n')
	bridgeIO.out.Flush()
	line, err := bridgeIO.in.ReadBytes('\n')
	if err != nil {
		return "", err
	}
	var ans struct {
		URL string `json:"url"`
		Err string `json:"err"`
	}
	if err := json.Unmarshal(line, &ans); err != nil {
		return "", err
	}
	if ans.Err != "" {
		return "", errors.New(ans.Err)
	}
	return ans.URL, nil
}

type bridgeResp struct {
	Out string     `json:"out"`
	Err *bridgeErr `json:"err,omitempty"`
}

func bridgeHandle(line []byte) (resp bridgeResp) {
	defer func() {
		if r := recover(); r != nil {
			resp = bridgeResp{Err: &bridgeErr{Phase: "render", Kind: "panic", Msg: fmt.Sprint(r)}}
		}
	}()
	var req bridgeReq
	if err := json.Unmarshal(line, &req); err != nil {
		return bridgeResp{Err: &bridgeErr{Phase: "data", Kind: "other", Msg: err.Error()}}
	}
	if req.Op == "reset" {
		bridgeCache = nil
		return bridgeResp{}
	}
	fsys := fstest.MapFS{}
	for name, src := range req.Templates {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	var opts []runnel.Option
	libs := bridgeLibs()
	for _, name := range req.Libraries {
		if lib, ok := libs[name]; ok {
			opts = append(opts, runnel.WithLibrary(name, lib))
		}
	}
	if req.Invalid != "" {
		opts = append(opts, runnel.WithStringIfInvalid(req.Invalid))
	}
	if req.Autoescape != nil && !*req.Autoescape {
		opts = append(opts, runnel.WithAutoescape(false))
	}
	if req.Settings.Debug {
		opts = append(opts, runnel.WithDebug())
	}
	if s := req.Settings; s.StaticURL != "" || s.MediaURL != "" {
		for _, name := range req.Libraries {
			if name == "static" {
				opts = append(opts, runnel.WithLibrary("static", static.Library(static.Options{StaticURL: s.StaticURL, MediaURL: s.MediaURL})))
			}
		}
	}
	if req.URLConf && bridgeIO.out != nil {
		opts = append(opts, runnel.WithURLResolver(bridgeReverse))
	}
	e := runnel.New(fsys, opts...)
	var tmpl *runnel.Template
	var err error
	if req.Op == "string" {
		tmpl, err = e.Parse("<string>", req.Src)
	} else {
		tmpl, err = e.Template(req.Name)
	}
	if err != nil {
		return bridgeResp{Err: classify("compile", err)}
	}
	if req.Op == "compile" {
		return bridgeResp{}
	}
	data := map[string]any{}
	if len(req.Context) > 0 {
		v, err := decodeValue(e, req.Context)
		if err != nil {
			return bridgeResp{Err: &bridgeErr{Phase: "data", Kind: "other", Msg: err.Error()}}
		}
		if m, ok := v.(map[string]any); ok {
			data = m
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if req.Language != nil {
		var lang *string
		json.Unmarshal(*req.Language, &lang)
		if lang == nil {
			ctx = runnel.WithoutTranslation(ctx)
		} else {
			ctx = runnel.WithLanguage(ctx, *lang)
		}
	}
	got, err := tmpl.RenderString(ctx, data)
	if err != nil {
		return bridgeResp{Out: got, Err: classify("render", err)}
	}
	return bridgeResp{Out: got}
}

func classify(phase string, err error) *bridgeErr {
	kind := "other"
	var se *syntax.Error
	switch {
	case errors.Is(err, runnel.ErrTemplateNotFound):
		kind = "notfound"
	case errors.As(err, &se):
		kind = "syntax"
	}
	return &bridgeErr{Phase: phase, Kind: kind, Msg: err.Error()}
}

// decodeValue decodes the driver's encoding of Python values: JSON for
// str, int, float, bool, None, list and dict with str keys; objects with one
// "$" key for the rest.
func decodeValue(e *runnel.Engine, raw json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return convert(e, v)
}

func convert(e *runnel.Engine, v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if strings.ContainsAny(s, ".eE") {
			return x.Float64()
		}
		n, err := x.Int64()
		if err != nil {
			return x.Float64()
		}
		return int(n), nil // a Python int is a Go int, as in the ported tests
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			c, err := convert(e, el)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		if len(x) == 1 {
			for k, val := range x {
				if strings.HasPrefix(k, "$") {
					return convertTagged(e, k, val)
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, el := range x {
			c, err := convert(e, el)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	}
	return v, nil
}

func convertTagged(e *runnel.Engine, tag string, val any) (any, error) {
	switch tag {
	case "$safe":
		return runnel.SafeString(val.(string)), nil
	case "$float":
		switch val.(string) {
		case "inf":
			return inf(1), nil
		case "-inf":
			return inf(-1), nil
		case "nan":
			return nan(), nil
		}
	case "$map": // dict with non-str keys: [[k, v], ...]
		out := map[any]any{}
		for _, kv := range val.([]any) {
			p := kv.([]any)
			k, err := convert(e, p[0])
			if err != nil {
				return nil, err
			}
			v, err := convert(e, p[1])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case "$datetime": // [isoformat, tzname]
		p := val.([]any)
		t, err := time.Parse(time.RFC3339Nano, p[0].(string))
		if err != nil {
			return nil, err
		}
		_, off := t.Zone()
		return t.In(time.FixedZone(p[1].(string), off)), nil
	case "$request": // an HttpRequest: its full path
		return httptest.NewRequest("GET", val.(string), nil), nil
	case "$querydict":
		return url.ParseQuery(val.(string))
	case "$template": // a Template made by engine.from_string
		return e.Parse("<string>", val.(string))
	case "$naive":
		t, err := time.Parse("2006-01-02T15:04:05.999999999", val.(string))
		return runnel.Naive(t), err
	case "$date":
		t, err := time.Parse("2006-01-02", val.(string))
		return runnel.DateOf(t), err
	case "$time": // [hour, minute, second, microsecond]
		p := val.([]any)
		n := func(i int) int { x, _ := p[i].(json.Number).Int64(); return int(x) }
		return runnel.TimeOfDay{Hour: n(0), Minute: n(1), Second: n(2), Microsecond: n(3)}, nil
	case "$decimal":
		return runnel.ParseDecimal(val.(string))
	case "$tuple":
		items := val.([]any)
		out := make(runnel.Tuple, len(items))
		for i, x := range items {
			c, err := convert(e, x)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case "$obj":
		if o, ok := runnel.BridgeObject(val.(string)); ok {
			return o, nil
		}
	}
	return nil, fmt.Errorf("unsupported data %s %v", tag, val)
}

// bridgeCache is the {% cache %} library, kept from render to render as
// Django's cache is; the "reset" request (the tests' tearDown) clears it.
var bridgeCache *runnel.Library

// bridgeLibs is what a test class's libraries attribute can name.
func bridgeLibs() map[string]*runnel.Library {
	if bridgeCache == nil {
		bridgeCache = cache.Library(cache.Options{})
	}
	libs := runnel.BridgeLibs()
	libs["cache"] = bridgeCache
	libs["humanize"] = humanize.Library(humanize.Options{})
	libs["i18n"] = i18n.Library()
	libs["l10n"] = l10n.Library()
	libs["static"] = static.Library(static.Options{})
	libs["tz"] = tz.Library()
	return libs
}

func inf(sign int) float64 {
	var z float64
	if sign < 0 {
		return -1 / z
	}
	return 1 / z
}

func nan() float64 {
	var z float64
	return z / z
}
