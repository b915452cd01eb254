// Command runnel renders and checks Django templates.
//
// Usage:
//
//	runnel render [-dir DIR]... [-data FILE.json] NAME   stream a rendered template to stdout
//	runnel check DIR                                  parse every template under DIR, report every error
//	runnel explain [-dir DIR]... [-json] NAME            explain how template NAME will stream
//
// -dir may be given more than once: the directories are searched in order,
// as Django's DIRS (a template may {% extends %} its own name to extend the
// next directory's).
//
// check exits with status 1 if any template has an error. explain prints
// where the page's first flush can happen, what makes the renderer wait or
// buffer, and how its {% defer %} sections are delivered (see
// runnel.Engine.Explain).
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
	"path"
	"sort"
	"strings"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  runnel render [-dir DIR]... [-data FILE.json] NAME   render template NAME to stdout
  runnel check [-ext LIST] DIR                      parse every template under DIR
                                                    (-ext: the file endings that are templates,
                                                    default .html,.htm,.txt,.xml,.svg,.tmpl,.djhtml)
  runnel explain [-dir DIR]... [-json] NAME            explain how template NAME will stream
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	eng := runnel.New(nil, templatetags.All(), dirs.option())
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

// templateExts are the file endings runnel check treats as templates by
// default: those of HTML, text and XML templates. Files of other kinds
// (.json, .js, .css, .md) in a template directory are usually static
// data, not templates, and parsing them reports errors that are not.
const templateExts = ".html,.htm,.txt,.xml,.svg,.tmpl,.djhtml"

func check(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	extList := fl.String("ext", templateExts, "comma-separated file endings of the templates to check")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	exts := map[string]bool{}
	for _, e := range strings.Split(*extList, ",") {
		if e = strings.TrimSpace(e); e != "" {
			if !strings.HasPrefix(e, ".") {
				e = "." + e
			}
			exts[strings.ToLower(e)] = true
		}
	}
	root := fl.Arg(0)
	fsys := os.DirFS(root)
	eng := runnel.New(fsys, templatetags.All())
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if exts[strings.ToLower(path.Ext(p))] {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 1
	}
	sort.Strings(names)
	bad := 0
	for _, n := range names {
		if _, err := eng.Template(n); err != nil {
			bad++
			fmt.Fprintf(stdout, "%v\n\n", err)
		}
	}
	fmt.Fprintf(stderr, "%d templates checked, %d with errors\n", len(names), bad)
	if bad > 0 {
		return 1
	}
	return 0
}
