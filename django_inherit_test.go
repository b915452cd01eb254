package runnel

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// Ports of Django's test_extends.py, test_include.py, test_exceptions.py,
// test_named_endblock.py and test_load.py (see django_syntax_test.go for the
// harness).

var inheritanceTemplates = map[string]string{
	"inheritance01":     "1{% block first %}&{% endblock %}3{% block second %}_{% endblock %}",
	"inheritance02":     "{% extends 'inheritance01' %}{% block first %}2{% endblock %}{% block second %}4{% endblock %}",
	"inheritance03":     "{% extends 'inheritance02' %}",
	"inheritance04":     "{% extends 'inheritance01' %}",
	"inheritance05":     "{% extends 'inheritance02' %}",
	"inheritance06":     "{% extends foo %}",
	"inheritance07":     "{% extends 'inheritance01' %}{% block second %}5{% endblock %}",
	"inheritance08":     "{% extends 'inheritance02' %}{% block second %}5{% endblock %}",
	"inheritance09":     "{% extends 'inheritance04' %}",
	"inheritance10":     "{% extends 'inheritance04' %}      ",
	"inheritance11":     "{% extends 'inheritance04' %}{% block first %}2{% endblock %}{% block second %}4{% endblock %}",
	"inheritance12":     "{% extends 'inheritance07' %}{% block first %}2{% endblock %}",
	"inheritance13":     "{% extends 'inheritance02' %}{% block first %}a{% endblock %}{% block second %}b{% endblock %}",
	"inheritance14":     "{% extends 'inheritance01' %}{% block newblock %}NO DISPLAY{% endblock %}",
	"inheritance15":     "{% extends 'inheritance01' %}{% block first %}2{% block inner %}inner{% endblock %}{% endblock %}",
	"inheritance16":     "{% extends 'inheritance15' %}{% block inner %}out{% endblock %}",
	"inheritance17":     "{% load testtags %}{% block first %}1234{% endblock %}",
	"inheritance18":     "{% load testtags %}{% echo this that theother %}5678",
	"inheritance19":     "{% extends 'inheritance01' %}{% block first %}{% load testtags %}{% echo 400 %}5678{% endblock %}",
	"inheritance20":     "{% extends 'inheritance01' %}{% block first %}{{ block.super }}a{% endblock %}",
	"inheritance21":     "{% extends 'inheritance02' %}{% block first %}{{ block.super }}a{% endblock %}",
	"inheritance22":     "{% extends 'inheritance04' %}{% block first %}{{ block.super }}a{% endblock %}",
	"inheritance23":     "{% extends 'inheritance20' %}{% block first %}{{ block.super }}b{% endblock %}",
	"inheritance24":     "{% extends context_template %}{% block first %}2{% endblock %}{% block second %}4{% endblock %}",
	"inheritance25":     "{% extends context_template.1 %}{% block first %}2{% endblock %}{% block second %}4{% endblock %}",
	"inheritance26":     "no tags",
	"inheritance27":     "{% extends 'inheritance26' %}",
	"inheritance 28":    "{% block first %}!{% endblock %}",
	"inheritance29":     "{% extends 'inheritance 28' %}",
	"inheritance30":     "1{% if optional %}{% block opt %}2{% endblock %}{% endif %}3",
	"inheritance31":     "{% extends 'inheritance30' %}{% block opt %}two{% endblock %}",
	"inheritance32":     "{% extends 'inheritance30' %}{% block opt %}two{% endblock %}",
	"inheritance33":     "1{% if optional == 1 %}{% block opt %}2{% endblock %}{% endif %}3",
	"inheritance34":     "{% extends 'inheritance33' %}{% block opt %}two{% endblock %}",
	"inheritance35":     "{% extends 'inheritance33' %}{% block opt %}two{% endblock %}",
	"inheritance36":     "{% for n in numbers %}_{% block opt %}{{ n }}{% endblock %}{% endfor %}_",
	"inheritance37":     "{% extends 'inheritance36' %}{% block opt %}X{% endblock %}",
	"inheritance38":     "{% extends 'inheritance36' %}{% block opt %}X{% endblock %}",
	"inheritance39":     "{% extends 'inheritance30' %}{% block opt %}new{{ block.super }}{% endblock %}",
	"inheritance40":     "{% extends 'inheritance33' %}{% block opt %}new{{ block.super }}{% endblock %}",
	"inheritance41":     "{% extends 'inheritance36' %}{% block opt %}new{{ block.super }}{% endblock %}",
	"inheritance42":     "{% extends 'inheritance02'|cut:' ' %}",
	"inheritance_empty": "{% extends %}",
	"extends_duplicate": "{% extends 'base.html' %}{% extends 'base.html' %}",
	"duplicate_block":   "{% extends 'base.html' %}{% block content %}2{% endblock %}{% block content %}4{% endblock %}",
}

// inh returns the case rendering inheritance template name.
func inh(name string, data map[string]any, want string) dcase {
	return dcase{name: name, src: inheritanceTemplates[name], files: inheritanceTemplates, data: data, want: want}
}

func TestDjangoInheritance(t *testing.T) {
	base := "1{% block first %}_{% endblock %}3{% block second %}_{% endblock %}"
	cases := []dcase{
		inh("inheritance01", nil, "1&3_"),
		inh("inheritance02", nil, "1234"),
		inh("inheritance03", nil, "1234"),
		inh("inheritance04", nil, "1&3_"),
		inh("inheritance05", nil, "1234"),
		inh("inheritance06", map[string]any{"foo": "inheritance02"}, "1234"),
		inh("inheritance07", nil, "1&35"),
		inh("inheritance08", nil, "1235"),
		inh("inheritance09", nil, "1&3_"),
		inh("inheritance10", nil, "1&3_"),
		inh("inheritance11", nil, "1234"),
		inh("inheritance12", nil, "1235"),
		inh("inheritance13", nil, "1a3b"),
		inh("inheritance14", nil, "1&3_"),
		inh("inheritance15", nil, "12inner3_"),
		inh("inheritance16", nil, "12out3_"),
		inh("inheritance17", nil, "1234"),
		inh("inheritance18", nil, "this that theother5678"),
		inh("inheritance19", nil, "140056783_"),
		inh("inheritance20", nil, "1&a3_"),
		inh("inheritance21", nil, "12a34"),
		inh("inheritance22", nil, "1&a3_"),
		inh("inheritance23", nil, "1&ab3_"),
		inh("inheritance24", nil, "1234"),
		inh("inheritance25", nil, "1234"),
		inh("inheritance26", nil, "no tags"),
		inh("inheritance27", nil, "no tags"),
		inh("inheritance 28", nil, "!"),
		inh("inheritance29", nil, "!"),
		inh("inheritance30", map[string]any{"optional": true}, "123"),
		inh("inheritance31", map[string]any{"optional": true}, "1two3"),
		inh("inheritance32", nil, "13"),
		inh("inheritance33", map[string]any{"optional": 1}, "123"),
		inh("inheritance34", map[string]any{"optional": 1}, "1two3"),
		inh("inheritance35", map[string]any{"optional": 2}, "13"),
		inh("inheritance36", map[string]any{"numbers": "123"}, "_1_2_3_"),
		inh("inheritance37", map[string]any{"numbers": "123"}, "_X_X_X_"),
		inh("inheritance38", nil, "_"),
		inh("inheritance39", map[string]any{"optional": true}, "1new23"),
		inh("inheritance40", map[string]any{"optional": 1}, "1new23"),
		inh("inheritance41", map[string]any{"numbers": "123"}, "_new1_new2_new3_"),
		inh("inheritance42", nil, "1234"),
	}
	for i := range cases {
		switch cases[i].name {
		case "inheritance24":
			cases[i].dataFn = func(e *Engine) map[string]any {
				return map[string]any{"context_template": e.MustParse("", base)}
			}
		case "inheritance25":
			cases[i].dataFn = func(e *Engine) map[string]any {
				return map[string]any{"context_template": djTuple(e.MustParse("", "Wrong"), e.MustParse("", base))}
			}
		}
	}
	empty := inh("inheritance_empty", nil, "")
	empty.err, empty.compile = "'extends' takes one argument", true
	dup := inh("extends_duplicate", nil, "")
	dup.err, dup.compile = "'extends' cannot appear more than once in the same template", true
	dupBlock := inh("duplicate_block", nil, "")
	dupBlock.err, dupBlock.compile = "'block' tag with name 'content' appears more than once", true
	cases = append(cases, empty, dup, dupBlock,
		// Not in Django's suite: Django's message for a tag before extends.
		dcase{name: "extends-not-first", src: "{{ x }}{% extends 'inheritance01' %}", files: inheritanceTemplates, err: "{% extends 'inheritance01' %} must be the first tag in 'extends-not-first'.", compile: true},
		dcase{name: "extends-empty-name", src: "{% extends name %}", err: "Invalid template name in 'extends' tag: ''. Got this from the 'name' variable.", invErr: ptr("template not found")},
		dcase{name: "extends-none", src: "{% extends name %}", data: map[string]any{"name": nil}, err: "Invalid template name in 'extends' tag: None. Got this from the 'name' variable."},
	)
	runDjango(t, cases)
}

// ---- test_exceptions.py ----

func TestDjangoExceptions(t *testing.T) {
	runDjango(t, []dcase{
		{name: "exception01", src: "{% extends 'nonexistent' %}", err: "template not found"},
		{name: "exception02", src: "{% extends nonexistent %}", err: "Invalid template name in 'extends' tag", invErr: ptr("template not found")},
		{name: "exception03", src: "{% extends 'inheritance01' %}{% block first %}2{% endblock %}{% extends 'inheritance16' %}", files: inheritanceTemplates, err: "must be the first tag", compile: true},
		{name: "exception04", src: "{% extends 'inheritance17' %}{% block first %}{% echo 400 %}5678{% endblock %}", files: inheritanceTemplates, err: "Invalid block tag on line 1: 'echo', expected 'endblock'", compile: true},
		{name: "exception05", src: "{% block first %}{{ block.super }}{% endblock %}", err: "{{ block.super }} in a base template"},
	})
}

// ---- test_named_endblock.py ----

func TestDjangoNamedEndblock(t *testing.T) {
	runDjango(t, []dcase{
		{name: "namedendblocks01", src: "1{% block first %}_{% block second %}2{% endblock second %}_{% endblock first %}3", want: "1_2_3"},
		{name: "namedendblocks02", src: "1{% block first %}_{% block second %}2{% endblock first %}_{% endblock second %}3", err: "expected 'endblock' or 'endblock second'", compile: true},
		{name: "namedendblocks03", src: "1{% block first %}_{% block second %}2{% endblock %}_{% endblock second %}3", err: "expected 'endblock' or 'endblock first'", compile: true},
		{name: "namedendblocks04", src: "1{% block first %}_{% block second %}2{% endblock second %}_{% endblock third %}3", err: "expected 'endblock' or 'endblock first'", compile: true},
		{name: "namedendblocks05", src: "1{% block first %}_{% block second %}2{% endblock first %}", err: "expected 'endblock' or 'endblock second'", compile: true},
		{name: "namedendblocks06", src: "1{% block first %}_{% block second %}2{% endblock %}_{% endblock first %}3", want: "1_2_3"},
		{name: "namedendblocks07", src: "1{% block first %}_{% block second %}2{% endblock second %}_{% endblock %}3", want: "1_2_3"},
	})
}

// ---- test_load.py ----

func TestDjangoLoadTag(t *testing.T) {
	// Django's engine in these tests knows only two libraries; runnel's
	// also has the ones Django ships (i18n, l10n, static, tz) and the other
	// test libraries, so the list after "Must be one of:" is longer.
	runDjango(t, []dcase{
		{name: "load01", src: `{% load testtags subpackage.echo %}{% echo test %} {% echo2 "test" %}`, want: "test test"},
		{name: "load02", src: `{% load subpackage.echo %}{% echo2 "test" %}`, want: "test"},
		{name: "load03", src: "{% load echo from testtags %}{% echo this that theother %}", want: "this that theother"},
		{name: "load04", src: "{% load echo other_echo from testtags %}{% echo this that theother %} {% other_echo and another thing %}", want: "this that theother and another thing"},
		{name: "load05", src: "{% load echo upper from testtags %}{% echo this that theother %} {{ statement|upper }}", data: map[string]any{"statement": "not shouting"}, want: "this that theother NOT SHOUTING"},
		{name: "load06", src: `{% load echo2 from subpackage.echo %}{% echo2 "test" %}`, want: "test"},
		{name: "load07", src: "{% load echo other_echo bad_tag from testtags %}", err: "'bad_tag' is not a valid tag or filter in tag library 'testtags'", compile: true},
		{name: "load08", src: "{% load echo other_echo bad_tag from %}", err: "'echo' is not a registered tag library. Must be one of:\n", compile: true},
		{name: "load09", src: "{% load from testtags %}", err: "'from' is not a registered tag library. Must be one of:\n", compile: true},
		{name: "load10", src: "{% load echo from bad_library %}", err: "'bad_library' is not a registered tag library. Must be one of:\n", compile: true},
		{name: "load12", src: "{% load subpackage.missing %}", err: "'subpackage.missing' is not a registered tag library. Must be one of:\n", compile: true},
		{name: "load-list", src: "{% load nope %}", err: "\nsubpackage.echo\ntesttags\n", compile: true},
		// A library's filters are usable only after its {% load %}.
		{name: "load-filter-before-load", src: "{{ x|trim:2 }}{% load custom %}", err: "Invalid filter: 'trim'", compile: true},
	})
}

// ---- test_include.py ----

func TestDjangoIncludeTag(t *testing.T) {
	fail := map[string]string{
		"include-fail1": "{% load bad_tag %}{% badtag %}",
		"include-fail2": "{% load broken_tag %}",
	}
	runDjango(t, []dcase{
		{name: "include01", src: `{% include "basic-syntax01" %}`, files: basicTemplates, want: "something cool"},
		{name: "include02", src: `{% include "basic-syntax02" %}`, files: basicTemplates, data: map[string]any{"headline": "Included"}, want: "Included"},
		{name: "include03", src: `{% include template_name %}`, files: basicTemplates, data: map[string]any{"template_name": "basic-syntax02", "headline": "Included"}, want: "Included"},
		{name: "include04", src: `a{% include "nonexistent" %}b`, err: "template not found"},
		{name: "include06", src: `{% include "include 05"%}`, files: map[string]string{"include 05": "template with a space"}, want: "template with a space"},
		{name: "include07", src: `{% include "basic-syntax02" with headline="Inline" %}`, files: basicTemplates, data: map[string]any{"headline": "Included"}, want: "Inline"},
		{name: "include08", src: `{% include headline with headline="Dynamic" %}`, files: basicTemplates, data: map[string]any{"headline": "basic-syntax02"}, want: "Dynamic"},
		{name: "include09", src: `{{ first }}--{% include "basic-syntax03" with first=second|lower|upper second=first|upper %}--{{ second }}`, files: basicTemplates, data: map[string]any{"first": "Ul", "second": "lU"}, want: "Ul--LU --- UL--lU"},
		{name: "include10", src: `{% include "basic-syntax03" only %}`, files: basicTemplates, data: map[string]any{"first": "1"}, want: " --- ", inv: ptr("INVALID --- INVALID")},
		{name: "include11", src: `{% include "basic-syntax03" only with second=2 %}`, files: basicTemplates, data: map[string]any{"first": "1"}, want: " --- 2", inv: ptr("INVALID --- 2")},
		{name: "include12", src: `{% include "basic-syntax03" with first=1 only %}`, files: basicTemplates, data: map[string]any{"second": "2"}, want: "1 --- ", inv: ptr("1 --- INVALID")},
		{name: "include13", src: `{% autoescape off %}{% include "basic-syntax03" %}{% endautoescape %}`, files: basicTemplates, data: map[string]any{"first": "&"}, want: "& --- ", inv: ptr("& --- INVALID")},
		{name: "include14", src: `{% autoescape off %}{% include "basic-syntax03" with first=var1 only %}{% endautoescape %}`, files: basicTemplates, data: map[string]any{"var1": "&"}, want: "& --- ", inv: ptr("& --- INVALID")},
		{name: "include-error01", src: `{% include "basic-syntax01" with %}`, err: `"with" in 'include' tag needs at least one keyword argument.`, compile: true},
		{name: "include-error02", src: `{% include "basic-syntax01" with "no key" %}`, err: `"with" in 'include' tag needs at least one keyword argument.`, compile: true},
		{name: "include-error03", src: `{% include "basic-syntax01" with dotted.arg="error" %}`, err: `"with" in 'include' tag needs at least one keyword argument.`, compile: true},
		{name: "include-error04", src: `{% include "basic-syntax01" something_random %}`, err: "Unknown argument for 'include' tag: 'something_random'.", compile: true},
		{name: "include-error05", src: `{% include "basic-syntax01" foo="duplicate" foo="key" %}`, err: `Unknown argument for 'include' tag: 'foo="duplicate"'.`, compile: true},
		{name: "include-error06", src: `{% include "basic-syntax01" only only %}`, err: "The 'only' option was specified more than once.", compile: true},
		{name: "include-fail1", src: fail["include-fail1"], err: "I am a bad tag", compile: true},
		{name: "include-fail2", src: fail["include-fail2"], err: "'broken_tag' is not a registered tag library", compile: true},
		{name: "include-error07", src: `{% include "include-fail1" %}`, files: fail, err: "I am a bad tag"},
		{name: "include-error08", src: `{% include "include-fail2" %}`, files: fail, err: "'broken_tag' is not a registered tag library"},
		{name: "include-error09", src: `{% include failed_include %}`, files: fail, data: map[string]any{"failed_include": "include-fail1"}, err: "I am a bad tag"},
		{name: "include-error10", src: `{% include failed_include %}`, files: fail, data: map[string]any{"failed_include": "include-fail2"}, err: "'broken_tag' is not a registered tag library"},
		{name: "include_empty", src: "{% include %}", err: "'include' tag takes at least one argument: the name of the template to be included.", compile: true},
		// IncludeTests, mapped to the harness.
		{name: "include-template-argument", src: "{% include tmpl %}", dataFn: func(e *Engine) map[string]any {
			return map[string]any{"tmpl": e.MustParse("", "This worked!")}
		}, want: "This worked!"},
		{name: "include-template-iterable", src: "{% include var %}", files: map[string]string{"index.html": "index\n"}, data: map[string]any{"var": djTuple("admin/fail.html", "index.html")}, want: "index\n"},
		{name: "include-template-iterable-strings", src: "{% include var %}", files: map[string]string{"index.html": "index\n"}, data: map[string]any{"var": []string{"admin/fail.html", "index.html"}}, want: "index\n"},
		{name: "include-template-none", src: "{% include var %}", data: map[string]any{"var": nil}, err: "No template names provided"},
		{name: "include-template-missing-var", src: "{% include var %}", err: "No template names provided", invErr: ptr("template not found")},
		{name: "include-missing-names-template", src: "{% include 'missing.html' %}", err: "missing.html"},
		{name: "include-extends-missing", src: "{% extends 'test_extends_error.html' %}", files: map[string]string{
			"test_extends_error.html": "{% include 'missing.html' %}",
		}, err: "missing.html"},
	})
}

// recursiveInclude is Django's templates/recursive_include.html.
const recursiveInclude = `Recursion!
{% for comment in comments %}
    {{ comment.comment }}
    {% if comment.children %}
        {% include "recursive_include.html" with comments=comment.children %}
    {% endif %}
{% endfor %}
`

func recursiveComments() []any {
	node := func(c string, children ...any) map[string]any {
		return map[string]any{"comment": c, "children": djTuple(children...)}
	}
	return djTuple(node("A1", node("B1"), node("B2"), node("B3", node("C1"))))
}

// TestDjangoIncludeRecursive checks the output of test_include_recursive the
// way Django does: spaces removed, newlines turned into spaces.
func TestDjangoIncludeRecursive(t *testing.T) {
	fsys := fstest.MapFS{"recursive_include.html": {Data: []byte(recursiveInclude)}}
	e := New(fsys)
	var b strings.Builder
	err := e.Render(context.Background(), &b, "recursive_include.html", map[string]any{"comments": recursiveComments()})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(b.String(), " ", ""), "\n", " "))
	if want := "Recursion!  A1  Recursion!  B1   B2   B3  Recursion!  C1"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestDjangoIncludeCache is test_include_cache: {% include %} keeps the
// templates it resolves, so the {% counter %} node is created once and
// counts across the loop.
func TestDjangoIncludeCache(t *testing.T) {
	fsys := fstest.MapFS{
		"template": {Data: []byte(`{% for x in vars %}{% include "include" %}{% endfor %}`)},
		"include":  {Data: []byte(`{% include "next" %}`)},
		"next":     {Data: []byte("{% load custom %}{% counter %}")},
	}
	e := New(fsys, djangoLibs()...)
	var b strings.Builder
	if err := e.Render(context.Background(), &b, "template", map[string]any{"vars": make([]int, 9)}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "012345678" {
		t.Fatalf("got %q", b.String())
	}
}

// Relative template names (Django's test_extends_relative.py messages).
func TestDjangoRelativeNames(t *testing.T) {
	files := map[string]string{
		"dir1/one.html":    "one{% block content %}{% endblock %}",
		"dir1/dir2/x.html": "x",
	}
	runDjango(t, []dcase{
		{name: "dir1/dir2/inc.html", src: `{% include "../one.html" %}`, files: files, want: "one"},
		{name: "dir1/dir2/ext.html", src: `{% extends "../one.html" %}{% block content %}!{% endblock %}`, files: files, want: "one!"},
		{name: "dir1/outside.html", src: `{% include "./../../three.html" %}`, files: files, err: `The relative path '"./../../three.html"' points outside the file hierarchy that template 'dir1/outside.html' is in.`, compile: true},
		{name: "dir1/self.html", src: `{% extends "./self.html" %}`, files: files, err: `The relative path '"./self.html"' was translated to template name 'dir1/self.html', the same template in which the tag appears.`, compile: true},
		// An include resolves a name from a variable relative to the
		// template (IncludeNode.render); an extends does not
		// (ExtendsNode.get_parent): the directory cleans it as safe_join.
		{name: "dir1/var.html", src: `{% include name %}`, files: files, data: map[string]any{"name": "./dir2/x.html"}, want: "x"},
		{name: "dir1/var2.html", src: `{% extends name %}`, files: files, data: map[string]any{"name": "./one.html"}, err: "./one.html: template not found"},
		{name: "dir1/var3.html", src: `{% extends name %}{% block content %}!{% endblock %}`, files: files, data: map[string]any{"name": "./dir1/one.html"}, want: "one!"},
		{name: "dir1/var4.html", src: `{% extends name %}`, files: files, data: map[string]any{"name": "../dir1/one.html"}, err: "../dir1/one.html: template not found"},
	})
	if _, err := New(nil).Parse("", `{% include "./x.html" %}`); err == nil || !strings.Contains(err.Error(), `The relative path "./x.html" cannot be evaluated due to an unknown template origin.`) {
		t.Fatalf("got %v", err)
	}
}
