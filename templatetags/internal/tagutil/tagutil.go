// Package tagutil holds what several of Django's tag libraries share.
package tagutil

import (
	"context"
	"fmt"

	"github.com/runnelhq/runnel"
)

// OnOffBlock returns the compile function of a block tag such as
// {% localtime on|off %} or {% localize on|off %}: it renders its body with
// the render's context changed by set.
func OnOffBlock(set func(ctx context.Context, on bool) context.Context) runnel.TagFunc {
	return func(p *runnel.TagParser) (runnel.Node, error) {
		on, err := OnOff(p)
		if err != nil {
			return nil, err
		}
		body, err := p.Branches()[0].Body()
		if err != nil {
			return nil, err
		}
		return &onOffNode{set: set, on: on, body: body}, nil
	}
}

// onOffNode is a block tag made by OnOffBlock.
type onOffNode struct {
	set  func(context.Context, bool) context.Context
	on   bool
	body runnel.Body
}

// Render renders the body with the setting on or off.
func (n *onOffNode) Render(r *runnel.Renderer) error {
	return r.RenderWith(n.set(r.Context(), n.on), n.body)
}

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
