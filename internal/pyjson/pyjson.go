// Package pyjson writes JSON as Python's json.dumps with Django's
// DjangoJSONEncoder does, for the json_script filter: non-ASCII characters
// as \uXXXX escapes, floats as Python prints them (NaN and Infinity
// included), times with milliseconds and "Z", durations in ISO 8601, and
// other Go values through encoding/json, rewritten in Python's layout (", "
// and ": " separators). The engine walks its own values and calls these for
// the leaves.
package pyjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/dateformat"
	"github.com/runnelhq/runnel/internal/pystr"
)

// Marshal writes v as encoding/json encodes it and rewrites the result in
// Python's layout.
func Marshal(b *strings.Builder, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("Object of type %T is not JSON serializable", v)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return rewrite(b, dec)
}

// rewrite copies one JSON value from dec to b in Python's layout.
func rewrite(b *strings.Builder, dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		closing := byte(']')
		if t == '{' {
			closing = '}'
		}
		b.WriteByte(byte(t))
		for i := 0; dec.More(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				String(b, k.(string))
				b.WriteString(": ")
			}
			if err := rewrite(b, dec); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		b.WriteByte(closing)
	case json.Number:
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			b.WriteString(string(t))
		} else if f, err := t.Float64(); err == nil {
			Float(b, f)
		} else {
			b.WriteString(string(t))
		}
	case string:
		String(b, t)
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	}
	return nil
}

// Float writes a float as Python's json module does.
func Float(b *strings.Builder, f float64) {
	switch {
	case math.IsNaN(f):
		b.WriteString("NaN")
	case math.IsInf(f, 1):
		b.WriteString("Infinity")
	case math.IsInf(f, -1):
		b.WriteString("-Infinity")
	default:
		b.WriteString(pystr.Float(f))
	}
}

// String writes a JSON string with Python's ensure_ascii escapes.
func String(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	u4 := func(r rune) {
		b.WriteString(`\u`)
		b.WriteByte(hex[r>>12&15])
		b.WriteByte(hex[r>>8&15])
		b.WriteByte(hex[r>>4&15])
		b.WriteByte(hex[r&15])
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20:
			u4(r)
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case r > 0xffff:
			r -= 0x10000
			u4(0xd800 | (r >> 10 & 0x3ff))
			u4(0xdc00 | (r & 0x3ff))
		default:
			u4(r)
		}
	}
	b.WriteByte('"')
}

// Time is DjangoJSONEncoder's datetime form: isoformat() cut to
// milliseconds, with "Z" for a zero UTC offset.
func Time(t time.Time) string {
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%03d", us/1000)
	}
	_, off := t.Zone()
	if off == 0 {
		return s + "Z"
	}
	return string(dateformat.AppendOffset([]byte(s), off, true))
}

// Duration is Django's duration_iso_string: P<days>DT<hh>H<mm>M<ss>[.ffffff]S
// with a leading "-" for negative durations.
func Duration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign = "-"
		d = -d
	}
	us := int64(d / time.Microsecond)
	days := us / 86400e6
	us -= days * 86400e6
	h := us / 3600e6
	us -= h * 3600e6
	m := us / 60e6
	us -= m * 60e6
	sec := us / 1e6
	us -= sec * 1e6
	ms := ""
	if us != 0 {
		ms = fmt.Sprintf(".%06d", us)
	}
	return fmt.Sprintf("%sP%dDT%02dH%02dM%02d%sS", sign, days, h, m, sec, ms)
}
