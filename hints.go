package runnel

import (
	"html"
	"strings"

	"github.com/runnelhq/runnel/internal/htmlutil"
)

// Early hints: the subresources a page's <head> names with URLs known
// before the page renders, sent as Link headers of a 103 response while
// the page's data is still being fetched.

// maxHints bounds the Link values of one page.
const maxHints = 16

// EarlyHints returns the Link header values (preload, modulepreload and
// preconnect) for the stylesheets, preloads, module preloads, scripts and
// preconnects that the template's <head> names with a URL known before
// the render: in literal text or by a tag whose output is constant (see
// [ConstantNode], such as {% static "app.css" %}), following
// {% extends %} with a literal parent name and the blocks that override
// the parent's. A URL built from data, or an element inside {% if %} or a
// loop, is left out; so is an element with an integrity attribute (a
// preload without it would not be used). The result is computed once per
// template.
func (t *Template) EarlyHints() []string {
	t.hintsOnce.Do(func() { t.hints = hintsOf(headText(t)) })
	return t.hints
}

// unknown stands in the head's text for output known only at render time:
// a URL that contains it is not hinted.
const unknown = "\x00"

// headText returns the text the template's document starts with, up to
// </head> or <body>, with unknown standing in for what depends on data.
func headText(t *Template) string {
	chain := []*Template{t}
	for cur := t; cur.extends != nil; {
		if cur.extends.parent != nil || len(chain) > maxDepth {
			return "" // a parent chosen by data
		}
		p, err := t.eng.extendsParent(cur.extends.name, chain)
		if err != nil {
			return ""
		}
		chain = append(chain, p)
		cur = p
	}
	var b strings.Builder
	done := false
	var walk func(nodes []node, depth int)
	walk = func(nodes []node, depth int) {
		for _, n := range nodes {
			if done || depth > maxDepth {
				return
			}
			switch x := n.(type) {
			case *textNode:
				b.WriteString(x.text)
				low := htmlutil.LowerASCII(x.text)
				if strings.Contains(low, "</head") || strings.Contains(low, "<body") {
					done = true
				}
			case *blockNode:
				for _, ct := range chain {
					if bn, ok := ct.blocks[x.name]; ok {
						walk(bn.body, depth+1)
						break
					}
				}
			case *extendsNode, *flushNode, *awaitNode:
			case *customNode:
				if c, ok := x.n.(ConstantNode); ok {
					if s, ok := c.Constant(); ok {
						b.WriteString(s)
						continue
					}
				}
				b.WriteString(unknown)
			default:
				b.WriteString(unknown)
			}
		}
	}
	walk(chain[len(chain)-1].nodes, 0)
	return b.String()
}

// hintsOf finds the hintable elements of a document's head.
func hintsOf(head string) []string {
	var out []string
	low := htmlutil.LowerASCII(head)
	for i := 0; i < len(head) && len(out) < maxHints; {
		j := strings.IndexByte(low[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if strings.HasPrefix(low[i:], "<!--") {
			end := strings.Index(low[i:], "-->")
			if end < 0 {
				break
			}
			i += end + 3
			continue
		}
		name, attrs, next := parseTag(head, i)
		i = next
		if name == "" {
			i++
			continue
		}
		if name == "/head" || name == "body" {
			break
		}
		if v := hintFor(name, attrs); v != "" {
			out = append(out, v)
		}
		if name == "script" || name == "style" || name == "noscript" || name == "template" {
			// Skip the element's content.
			end := strings.Index(low[i:], "</"+name)
			if end < 0 {
				break
			}
			i += end
		}
	}
	return out
}

// parseTag reads the start tag at head[i] ('<'), returning its lower-case
// name, its attributes and the index after it.
func parseTag(head string, i int) (string, map[string]string, int) {
	j := i + 1
	for j < len(head) && (isNameByte(head[j]) || head[j] == '/' && j == i+1) {
		j++
	}
	name := strings.ToLower(head[i+1 : j])
	if name == "" || name == "/" {
		return "", nil, i + 1
	}
	attrs := map[string]string{}
	for j < len(head) {
		for j < len(head) && strings.IndexByte(" \t\n\r\f/", head[j]) >= 0 {
			j++
		}
		if j >= len(head) || head[j] == '>' {
			return name, attrs, j + 1
		}
		k := j
		for k < len(head) && strings.IndexByte(" \t\n\r\f/>=", head[k]) < 0 {
			k++
		}
		key := strings.ToLower(head[j:k])
		j = k
		for j < len(head) && strings.IndexByte(" \t\n\r\f", head[j]) >= 0 {
			j++
		}
		val := ""
		if j < len(head) && head[j] == '=' {
			j++
			for j < len(head) && strings.IndexByte(" \t\n\r\f", head[j]) >= 0 {
				j++
			}
			if j < len(head) && (head[j] == '"' || head[j] == '\'') {
				q := head[j]
				end := strings.IndexByte(head[j+1:], q)
				if end < 0 {
					return "", nil, len(head)
				}
				val = head[j+1 : j+1+end]
				j += end + 2
			} else {
				k := j
				for k < len(head) && strings.IndexByte(" \t\n\r\f>", head[k]) < 0 {
					k++
				}
				val = head[j:k]
				j = k
			}
		}
		if key != "" {
			if _, dup := attrs[key]; !dup {
				attrs[key] = html.UnescapeString(val)
			}
		}
	}
	return name, attrs, len(head)
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

// hintFor returns the Link value for an element, or "".
func hintFor(name string, a map[string]string) string {
	if _, ok := a["integrity"]; ok {
		return ""
	}
	var url, params string
	switch name {
	case "link":
		url = a["href"]
		rels := strings.Fields(strings.ToLower(a["rel"]))
		switch {
		case hasWord(rels, "stylesheet") && !hasWord(rels, "alternate"):
			params = "rel=preload; as=style"
		case hasWord(rels, "modulepreload"):
			params = "rel=modulepreload"
		case hasWord(rels, "preload"):
			as := strings.ToLower(a["as"])
			if as == "" || !isToken(as) {
				return ""
			}
			params = "rel=preload; as=" + as
			if t := a["type"]; t != "" && isToken(strings.ReplaceAll(t, "/", "")) {
				params += `; type="` + t + `"`
			}
		case hasWord(rels, "preconnect"):
			params = "rel=preconnect"
		default:
			return ""
		}
	case "script":
		url = a["src"]
		if strings.EqualFold(a["type"], "module") {
			params = "rel=modulepreload"
		} else if t := strings.ToLower(a["type"]); t == "" || strings.Contains(t, "javascript") {
			params = "rel=preload; as=script"
		} else {
			return ""
		}
	default:
		return ""
	}
	if !hintableURL(url) {
		return ""
	}
	if co, ok := a["crossorigin"]; ok {
		if strings.EqualFold(co, "use-credentials") {
			params += "; crossorigin=use-credentials"
		} else {
			params += "; crossorigin"
		}
	}
	return "<" + url + ">; " + params
}

func hasWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// hintableURL reports whether u can go into a Link header as it is.
func hintableURL(u string) bool {
	if u == "" || len(u) > 2048 || strings.HasPrefix(strings.ToLower(u), "data:") || strings.HasPrefix(strings.ToLower(u), "javascript:") {
		return false
	}
	for i := 0; i < len(u); i++ {
		if c := u[i]; c <= ' ' || c == '>' || c == '<' || c == '"' || c >= 0x7f {
			return false
		}
	}
	return true
}
