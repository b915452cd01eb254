package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestSoakShort runs the soak for two seconds with 50 clients, a quarter of
// them hanging up mid-stream, so that the command keeps compiling and
// passing: no errors, goroutines back to the baseline.
func TestSoakShort(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"-clients", "50", "-duration", "2s", "-disconnect", "0.25", "-settle", "10s"}, &out, &errb)
	t.Log("\n" + out.String())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"errors      0 (client 0, server 0)", "PASS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(out.String(), ": 0 pages read to the end") {
		t.Error("no page was read to its end")
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-clients", "0"}, {"-clients", "20001"}, {"-duration", "0s"}, {"-disconnect", "1.5"},
		{"-addr", "0.0.0.0:0"}, {"-addr", "example.com:80"}, {"extra"}, {"-rows", "-1"}, {"-think", "-1s"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

// TestCheckPage: the page check refuses what a broken stream would give.
func TestCheckPage(t *testing.T) {
	page := `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>soak 1-2</title></head>
<body><main><p>user-1-2</p><?start name="runnel-1">…<?end><?start name="runnel-2">…<?end>
<ul><li>row-0</li><li>row-1</li></ul><p class="total">total-<template data-runnel-for="runnel-2">rec-1-2</template><script>__runnel("runnel-2")</script>2</p>
<template for="runnel-1">side-1-2</template></main>
<footer>page 1-2</footer>
</body>
</html>
`
	if msg := checkPage(page, "1-2", 2, true); msg != "" {
		t.Fatalf("a whole page: %s", msg)
	}
	for name, bad := range map[string]string{
		"cut":            page[:len(page)/2],
		"unfilled":       strings.Replace(page, `<template data-runnel-for="runnel-2">rec-1-2</template>`, "", 1),
		"no total":       strings.Replace(page, "</script>2</p>", "</script></p>", 1),
		"filled twice":   strings.Replace(page, `</main>`, `<template for="runnel-1">x</template></main>`, 1),
		"row missing":    strings.Replace(page, "<li>row-1</li>", "", 1),
		"rows reordered": strings.Replace(page, "<li>row-0</li><li>row-1</li>", "<li>row-1</li><li>row-0</li>", 1),
		"other page":     strings.ReplaceAll(page, "user-1-2", "user-1-3"),
	} {
		if checkPage(bad, "1-2", 2, true) == "" {
			t.Errorf("%s: accepted", name)
		}
	}
	if checkPage(page, "1-2", 2, false) == "" {
		t.Error("an in-order page with placeholders: accepted")
	}
	inOrder := `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>soak 1-2</title></head>
<body><main><p>user-1-2</p><aside class="side">side-1-2</aside><div class="recs"><i>rec-1-2</i></div>
<ul><li>row-0</li><li>row-1</li></ul><p class="total">total-2</p></main>
<footer>page 1-2</footer>
</body>
</html>
`
	if msg := checkPage(inOrder, "1-2", 2, false); msg != "" {
		t.Fatalf("a whole in-order page: %s", msg)
	}
}
