package gettext

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The magic numbers of a GNU .mo file, in its two byte orders.
const (
	moMagicLE = 0x950412de
	moMagicBE = 0xde120495
)

// parseMO reads a compiled GNU .mo file, checking every offset against the
// file's size (a truncated or corrupt file is an error naming it, never a
// panic or a partial catalog).
func parseMO(name string, data []byte) (*file, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: not a valid .mo file: %s", name, fmt.Sprintf(format, a...))
	}
	if len(data) < 28 {
		return nil, bad("%d bytes, shorter than the header", len(data))
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(data) {
	case moMagicLE:
		bo = binary.LittleEndian
	case moMagicBE:
		bo = binary.BigEndian
	default:
		return nil, bad("bad magic number")
	}
	if major := bo.Uint32(data[4:]) >> 16; major > 1 {
		return nil, bad("unknown major revision %d", major)
	}
	count, origOff, transOff := uint64(bo.Uint32(data[8:])), uint64(bo.Uint32(data[12:])), uint64(bo.Uint32(data[16:]))
	size := uint64(len(data))
	if origOff+8*count > size || transOff+8*count > size {
		return nil, bad("its string tables (%d messages) run past its end", count)
	}
	str := func(table, i uint64) (string, error) {
		at := table + 8*i
		n, off := uint64(bo.Uint32(data[at:])), uint64(bo.Uint32(data[at+4:]))
		if off+n > size {
			return "", bad("string %d runs past its end", i)
		}
		return string(data[off : off+n]), nil
	}
	f := newFile(name)
	for i := range count {
		id, err := str(origOff, i)
		if err != nil {
			return nil, err
		}
		tr, err := str(transOff, i)
		if err != nil {
			return nil, err
		}
		if !utf8.ValidString(id) || !utf8.ValidString(tr) {
			return nil, bad("message %d is not UTF-8", i)
		}
		if id == "" {
			if err := f.header(tr); err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
			continue
		}
		// "msgctxt\x04msgid" for a context, "msgid\x00msgid_plural" for plurals:
		// the key keeps the context and drops the plural msgid, as Python's
		// GNUTranslations does.
		if single, _, plural := strings.Cut(id, "\x00"); plural {
			f.plurals[single] = strings.Split(tr, "\x00")
		} else {
			f.singles[id] = tr
		}
	}
	return f, nil
}
