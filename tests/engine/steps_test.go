package engine

import (
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// step is what the engine announced it does to one resource in an
// operation: its type and every step (a replacement is several).
type step struct {
	Type string
	Ops  []apitype.OpType
	// Provider is the provider reference (URN::ID) the resource goes
	// through.
	Provider string
}

// stepRecorder collects the engine's resource steps of one operation from
// the channel given to optup.EventStreams or optpreview.EventStreams.
type stepRecorder struct {
	ch    chan events.EngineEvent
	done  chan struct{}
	steps map[string]*step
}

func recordSteps() *stepRecorder {
	r := &stepRecorder{ch: make(chan events.EngineEvent), done: make(chan struct{}), steps: map[string]*step{}}
	go func() {
		defer close(r.done)
		for e := range r.ch {
			if e.ResourcePreEvent == nil {
				continue
			}
			m := e.ResourcePreEvent.Metadata
			s, ok := r.steps[m.URN]
			if !ok {
				s = &step{Type: m.Type, Provider: m.Provider}
				r.steps[m.URN] = s
			}
			s.Ops = append(s.Ops, m.Op)
		}
	}()
	return r
}

// wait returns the steps by URN once the operation has closed the channel.
func (r *stepRecorder) wait() map[string]*step {
	<-r.done
	return r.steps
}
