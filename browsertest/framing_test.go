package browsertest

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"github.com/runnelhq/runnel"
)

// framingPage has one out-of-order section whose HTML is a hostile |safe
// value followed by a script of the section's own; each script records
// whether it ran inside the section's placeholder (#box) or elsewhere. The
// page waits at body level, so the section is sent while it waits (and,
// without ScriptOnly, patched natively).
const framingPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>framing</title><link rel="icon" href="data:,">
<script>window.__ran = []; window.record = function (who) { var s = document.currentScript; window.__ran.push(who + ':' + (!s ? 'unknown' : s.closest('#box') ? 'inside' : 'outside')); };</script>
</head>
<body>
<div id="box">{% defer %}{{ evil|safe }}<script>record(document.getElementById('late') ? 'own+rest' : 'own')</script><b id="late">late</b>{% placeholder %}<i class="ph">loading…</i>{% enddefer %}</div>
{{ slow }}
<p id="end">the end</p>
</body></html>`

// hostileSections would each close the carrier template early in a
// framing that counts tags instead of reading them, letting the script
// after them run as the page's own.
var hostileSections = []struct {
	html     string
	swallows bool // the section's own script and <b> after it are inside it
}{
	// A <template in an attribute and in a comment, a </template> in the
	// comment: counted, they balance, and the real </template> closes the
	// carrier.
	{html: `<p title="<template>">a</p><!-- </template> <template> --></template><script>record('evil')</script>`},
	{html: `<templatefoo></template><script>record('evil')</script>`},
	// A script that golang.org/x/net/html ends early and browsers do not:
	// all of it is one script here (which does not parse as JavaScript).
	{html: `<script><!--< <script></script></template><script>record('evil')</script>`, swallows: true},
	// An unclosed comment or raw-text element would swallow the rest of
	// the page: the framing closes them.
	{html: `<!-- unclosed `, swallows: true},
	{html: `<noscript>unclosed `, swallows: true},
}

func framingServer(t *testing.T) string {
	t.Helper()
	tmpl, err := runnel.New(fstest.MapFS{"page.html": {Data: []byte(framingPage)}}).Template("page.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		i, _ := strconv.Atoi(r.URL.Query().Get("evil"))
		slow := runnel.Go(r.Context(), func(ctx context.Context) (string, error) {
			select {
			case <-time.After(300 * time.Millisecond): // the section is sent meanwhile
			case <-ctx.Done():
			}
			return "", nil
		})
		mode := runnel.Streaming
		data := map[string]any{"evil": runnel.Ready(hostileSections[i].html), "slow": slow}
		err := tmpl.Serve(w, r, data, runnel.ServeOptions{Mode: &mode, ScriptOnly: r.URL.Query().Get("script") == "1"})
		if err != nil && r.Context().Err() == nil {
			t.Errorf("serving the page: %v", err)
		}
	}))
	return srv.URL
}

type framingResult struct {
	Ran       []string `json:"ran"`
	LateInBox bool     `json:"lateInBox"`
	Skeletons int      `json:"skeletons"`
	Templates int      `json:"templates"`
	End       bool     `json:"end"`
	Native    bool     `json:"native"` // the browser applied the template before the fallback's call
}

const framingJS = `(function () {
  var late = document.getElementById('late');
  return {
    ran: window.__ran,
    lateInBox: !!late && !!late.closest('#box'),
    skeletons: document.querySelectorAll('.ph').length,
    templates: document.querySelectorAll('template').length,
    end: !!document.querySelector('body > p#end'),
    native: window.__runnelCalls.length > 0 && window.__runnelCalls.every(function (c) { return !c.pending; })
  };
})()`

// TestHostileSectionFraming: a hostile |safe section lands in its
// placeholder, natively and through the fallback script, and no script of
// it runs outside the placeholder; the section's own script runs when the
// section is applied: natively, as the section is parsed into place (it does
// not see the section's HTML after it yet); through the fallback script,
// once the whole section is in place.
func TestHostileSectionFraming(t *testing.T) {
	tb := newTab(t)
	url := framingServer(t)
	for i, c := range hostileSections {
		evil := c.html
		for _, script := range []bool{false, true} {
			u := url + "/?evil=" + strconv.Itoa(i)
			if script {
				u += "&script=1"
			}
			tb.load(u)
			tb.waitFor("the section in its placeholder", `!document.querySelector('.ph') && document.querySelector('body > p#end') && document.readyState == 'complete'`, framingJS)
			got := eval[framingResult](tb, framingJS)
			t.Logf("%q script=%v: %+v", evil, script, got)
			if got.LateInBox == c.swallows || got.Skeletons != 0 || got.Templates != 0 || !got.End {
				t.Errorf("%q script=%v: the section did not land cleanly: %+v", evil, script, got)
			}
			if got.Native == script {
				t.Errorf("%q script=%v: applied natively: %v", evil, script, got.Native)
			}
			own := false
			wantOwn := "own:inside"
			if script {
				wantOwn = "own+rest:inside"
			}
			for _, r := range got.Ran {
				switch r {
				case wantOwn:
					own = true
				case "evil:inside":
				default:
					t.Errorf("%q script=%v: a script ran outside the section: %q", evil, script, got.Ran)
				}
			}
			if !own && !c.swallows {
				t.Errorf("%q script=%v: the section's own script did not run as %s: %q", evil, script, wantOwn, got.Ran)
			}
		}
	}
}
