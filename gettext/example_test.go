package gettext_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/gettext"
	"github.com/runnelhq/runnel/templatetags/i18n"
)

// Load a project's locale directory before an app's, translate a template
// with them, and let LANGUAGE_CODE be German.
func Example() {
	cat, err := gettext.New([]fs.FS{os.DirFS("testdata/locale"), os.DirFS("testdata/app")})
	if err != nil {
		fmt.Println(err)
		return
	}
	eng := runnel.New(nil, runnel.WithTranslator(cat), runnel.WithLanguageCode("de"),
		runnel.WithLibrary("i18n", i18n.Library()))
	t := eng.MustParse("page.html", `{% load i18n %}{% translate "Hello" %}, {% translate "January" %}: `+
		`{% blocktranslate count n=pears %}{{ n }} pear{% plural %}{{ n }} pears{% endblocktranslate %}`)

	for _, ctx := range []context.Context{
		context.Background(), // LANGUAGE_CODE
		runnel.WithLanguage(context.Background(), "de-at"), // de_AT, then de
		runnel.WithLanguage(context.Background(), "fr"),    // fr, then LANGUAGE_CODE
	} {
		out, _ := t.RenderString(ctx, map[string]any{"pears": 3})
		fmt.Println(out)
	}
	// Output:
	// Hallo, Januar: 3 Birnen
	// Hallo, Jänner: 3 Birnen
	// Bonjour, Januar: 3 Birnen
}
