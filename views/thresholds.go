package views

import "time"

// QueueThreshold replaces the client's default alert thresholds for one
// queue: its row turns amber at AmberWaiting calls waiting or a call
// waiting AmberWait, red at RedWaiting or RedWait. The client keeps its
// hysteresis below each value.
type QueueThreshold struct {
	// Company names the queue's company; "" applies to the queue of that
	// name in every company that has no entry of its own.
	Company      string
	Name         string
	AmberWaiting int
	RedWaiting   int
	AmberWait    time.Duration
	RedWait      time.Duration
	// The service level (a percentage) below which the row turns amber and
	// red, and the abandon rate at which it does; 0 keeps the client's
	// default. Waiting thresholds of 0 keep the client's defaults too.
	AmberServiceLevel, RedServiceLevel float64
	AmberAbandonRate, RedAbandonRate   float64
}

// ThresholdsFor returns the entries of all that aud may see: those for
// every company and those of companies aud shows. Another tenant's queue
// names never reach the page.
func ThresholdsFor(all []QueueThreshold, aud Audience) []QueueThreshold {
	var out []QueueThreshold
	for _, t := range all {
		if t.Company == "" || aud.shows(t.Company) {
			out = append(out, t)
		}
	}
	return out
}
