// Command runnel renders and checks Django templates.
//
// Usage:
//
//	runnel render [-dir DIR]... [-data FILE.json] [-urls FILE.json] NAME
//	                                     stream a rendered template to stdout
//	runnel check [-ext LIST] [-libs LIST] DIR...
//	                                     parse every template under the DIRs, report every error
//	runnel explain [-dir DIR]... [-json] NAME
//	                                     explain how template NAME will stream
//	runnel makemessages [-o FILE] [-ext LIST] DIR
//	                                     extract the translatable strings into a .pot
//
// -dir may be given more than once (and check takes several DIRs): the
// directories are searched in order, as Django's DIRS (a template may
// {% extends %} its own name to extend the next directory's).
//
// check exits with status 1 if any template has an error. explain prints
// where the page's first flush can happen, what makes the renderer wait or
// buffer, and how its {% defer %} sections are delivered (see
// runnel.Engine.Explain). makemessages writes the msgids Django's
// makemessages extracts from templates ({% translate %}, {% blocktranslate %},
// _("…")) as a gettext .pot file; see docs/translations.md.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  runnel render [-dir DIR]... [-data FILE.json] [-urls FILE.json] NAME
                                       render template NAME to stdout
                                       (-urls: URL names and Django path() patterns for {% url %})
  runnel check [-ext LIST] [-libs LIST] DIR...
                                       parse every template under the DIRs, report every error
                                       (-ext: the file endings that are templates,
                                       default .html,.htm,.txt,.xml,.svg,.tmpl,.djhtml;
                                       -libs: the application's own tag libraries, accepted unchecked)
  runnel explain [-dir DIR]... [-json] NAME
                                       explain how template NAME will stream
  runnel makemessages [-o FILE] [-ext LIST] DIR
                                       extract the translatable strings of the templates
                                       under DIR into a .pot (-o: the file, default stdout;
                                       -ext as for check; runnel makemessages -h for more)
  (-dir more than once: directories searched in order, as Django's DIRS; default .)
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "render":
		return render(args[1:], stdout, stderr)
	case "check":
		return check(args[1:], stdout, stderr)
	case "explain":
		return explain(args[1:], stdout, stderr)
	case "makemessages":
		return makemessages(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "runnel: unknown command %q\n%s", args[0], usage)
	return 2
}

func render(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("render", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dirs := dirsFlag(fl)
	dataFile := fl.String("data", "", "JSON file with the template's data (an object)")
	urlsFile := fl.String("urls", "", `JSON file mapping URL names to Django path() patterns for {% url %} ({"blog:detail": "/blog/<int:pk>/"})`)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	data := map[string]any{}
	if *dataFile != "" {
		b, err := os.ReadFile(*dataFile)
		if err != nil {
			fmt.Fprintf(stderr, "runnel: %v\n", err)
			return 1
		}
		if data, err = decodeData(b); err != nil {
			fmt.Fprintf(stderr, "runnel: %s: %v\n", *dataFile, err)
			return 1
		}
	}
	opts := []runnel.Option{templatetags.All()}
	if *urlsFile != "" {
		b, err := os.ReadFile(*urlsFile)
		if err != nil {
			fmt.Fprintf(stderr, "runnel: %v\n", err)
			return 1
		}
		var patterns map[string]string
		if err := json.Unmarshal(b, &patterns); err != nil {
			fmt.Fprintf(stderr, "runnel: %s: want an object of URL names and patterns: %v\n", *urlsFile, err)
			return 1
		}
		opts = append(opts, runnel.WithURLResolver(runnel.URLMap(patterns)))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	eng := runnel.New(nil, append(opts, dirs.option())...)
	w := bufio.NewWriter(stdout)
	err := eng.Render(ctx, w, fl.Arg(0), data)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 1
	}
	return 0
}

func explain(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("explain", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dirs := dirsFlag(fl)
	asJSON := fl.Bool("json", false, "print the plan as JSON")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	eng := runnel.New(nil, templatetags.All(), dirs.option())
	plan, err := eng.Explain(fl.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(plan); err != nil {
			fmt.Fprintf(stderr, "runnel: %v\n", err)
			return 1
		}
		return 0
	}
	if _, err := plan.WriteTo(stdout); err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 1
	}
	return 0
}

// dirList is a -dir flag that may be given more than once.
type dirList []string

func dirsFlag(fl *flag.FlagSet) *dirList {
	d := &dirList{}
	fl.Func("dir", "template directory (more than once: searched in order; default .)", func(s string) error {
		*d = append(*d, s)
		return nil
	})
	return d
}

// option makes the directories the engine's, "." if there are none.
func (d *dirList) option() runnel.Option {
	names := *d
	if len(names) == 0 {
		names = []string{"."}
	}
	fsys := make([]fs.FS, len(names))
	for i, n := range names {
		fsys[i] = os.DirFS(n)
	}
	return runnel.WithDirs(fsys...)
}

// decodeData reads a JSON object, keeping the order of object keys (as a
// Python dict would) and integers as ints.
func decodeData(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	om, ok := v.(*runnel.OrderedMap)
	if !ok {
		return nil, errors.New("data must be a JSON object")
	}
	out := make(map[string]any, om.Len())
	for _, k := range om.Keys() {
		out[k], _ = om.Get(k)
	}
	return out, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := &runnel.OrderedMap{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				m.Set(kt.(string), v)
			}
			_, err := dec.Token()
			return m, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return int(n), nil
		}
		f, err := t.Float64()
		return f, err
	}
	return tok, nil
}

func check(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	extList := fl.String("ext", strings.Join(runnel.DefaultTemplateExts, ","), "comma-separated file endings of the templates to check")
	libList := fl.String("libs", "", "comma-separated names of the application's own tag libraries: templates may {% load %} them, and their tags and filters are accepted unchecked")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() < 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	opts := []runnel.Option{templatetags.All()}
	for _, d := range fl.Args() {
		opts = append(opts, runnel.WithDirs(os.DirFS(d)))
	}
	for _, name := range strings.Split(*libList, ",") {
		if name = strings.TrimSpace(name); name != "" {
			opts = append(opts, runnel.WithLibrary(name, runnel.OpaqueLibrary()))
		}
	}
	eng := runnel.New(nil, opts...)
	names, err := eng.Check(runnel.CheckOptions{Exts: strings.Split(*extList, ",")})
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 1
	}
	for _, err := range errs {
		fmt.Fprintf(stdout, "%v\n\n", err)
	}
	fmt.Fprintf(stderr, "%d templates checked, %d with errors\n", len(names), len(errs))
	if len(errs) > 0 {
		return 1
	}
	return 0
}
