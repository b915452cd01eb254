package static

import (
	"strings"

	"github.com/runnelhq/runnel/internal/htmlutil"
)

// iriToURI is Django's iri_to_uri: it %-escapes the characters that may not
// appear in a URI, leaving reserved characters and existing escapes alone.
func iriToURI(s string) string { return htmlutil.Quote(s, "/#%[]=:;$&()+,!?*@'~") }

// joinURL is Python's urllib.parse.urljoin for a reference made only of a
// path (as a quoted path is): the path is resolved against base's path,
// keeping base's scheme and authority.
func joinURL(base, ref string) string {
	if base == "" {
		return ref
	}
	if ref == "" {
		return base
	}
	scheme, netloc, bpath := splitURL(base)
	if strings.HasPrefix(ref, "//") {
		rest := ref[2:]
		netloc, ref = rest, ""
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			netloc, ref = rest[:i], rest[i:]
		}
		return unsplitURL(scheme, netloc, ref)
	}
	var segs []string
	if strings.HasPrefix(ref, "/") {
		segs = strings.Split(ref, "/")
	} else {
		baseParts := strings.Split(bpath, "/")
		if baseParts[len(baseParts)-1] != "" {
			baseParts = baseParts[:len(baseParts)-1]
		}
		segs = append(baseParts, strings.Split(ref, "/")...)
		// Drop empty inner segments, which would double slashes.
		kept := segs[:1]
		for _, sg := range segs[1 : len(segs)-1] {
			if sg != "" {
				kept = append(kept, sg)
			}
		}
		segs = append(kept, segs[len(segs)-1])
	}
	var out []string
	for _, sg := range segs {
		switch sg {
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case ".":
		default:
			out = append(out, sg)
		}
	}
	if last := segs[len(segs)-1]; last == "." || last == ".." {
		out = append(out, "")
	}
	p := strings.Join(out, "/")
	if p == "" {
		p = "/"
	}
	return unsplitURL(scheme, netloc, p)
}

// splitURL splits a URL into scheme, authority and path as Python's urlsplit
// does; query and fragment are dropped.
func splitURL(u string) (scheme, netloc, path string) {
	if i := strings.IndexByte(u, ':'); i > 0 && isLetter(u[0]) {
		ok := true
		for j := 1; j < i; j++ {
			c := u[j]
			if !isLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
				ok = false
				break
			}
		}
		if ok {
			scheme, u = strings.ToLower(u[:i]), u[i+1:]
		}
	}
	if strings.HasPrefix(u, "//") {
		rest := u[2:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		netloc, u = rest[:end], rest[end:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return scheme, netloc, u
}

// unsplitURL reassembles a URL from its scheme, authority and path.
func unsplitURL(scheme, netloc, path string) string {
	u := path
	if netloc != "" {
		if path != "" && path[0] != '/' {
			path = "/" + path
		}
		u = "//" + netloc + path
	} else if strings.HasPrefix(path, "//") {
		u = "//" + path
	}
	if scheme != "" {
		u = scheme + ":" + u
	}
	return u
}

// isLetter reports whether c is an ASCII letter.
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
