// Package tagutil holds what several of Django's tag libraries share.
package tagutil

import (
	"fmt"

	"github.com/runnelhq/runnel"
)

// OnOff reads the optional on/off argument of {% localtime %} and
// {% localize %}: true without one.
func OnOff(p *runnel.TagParser) (bool, error) {
	bits := p.Bits()[1:]
	if len(bits) == 0 {
		return true, nil
	}
	if len(bits) > 1 || (bits[0] != "on" && bits[0] != "off") {
		return false, fmt.Errorf("%s argument should be 'on' or 'off'", runnel.Repr(p.Name()))
	}
	return bits[0] == "on", nil
}
