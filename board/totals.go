package board

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// QueueTotal is a company's queues taken together, the "all queues" figures
// a supervisor reads first: every queue's calls summed (today, the rolling
// windows and each 15-minute interval), each call classified by its own
// queue's formula as it was counted; the callers waiting in any queue,
// longest first; and every member of any queue counted once, by their
// tile, so that Free never counts one person twice. Name is empty and
// Alert zero: alerts belong to single queues.
//
// Formula is the queues' own when they all share it. Otherwise a Threshold
// of zero and a negative ShortAbandon say that each queue's own applied,
// and Basis is BasisAnswered only when every queue uses it, else
// BasisOffered. ok is false when the company has fewer than two queues:
// one queue's total is that queue.
func (b *Board) QueueTotal(company string) (QueueStats, bool) {
	t, ok := b.tenants[company]
	if !ok || len(t.queues) < 2 {
		return QueueStats{}, false
	}
	total := QueueStats{Company: company}
	intervals := map[time.Time]*Interval{}
	members := map[string]struct{}{}
	for i, name := range t.queues {
		k := key{company, name}
		q, ok := b.queues[k]
		if !ok {
			continue
		}
		if i == 0 {
			total.Formula = q.Formula
		} else {
			total.Formula = mergeFormula(total.Formula, q.Formula)
		}
		total.Waiting += q.Waiting
		total.Talking += q.Talking
		if !q.OldestWait.IsZero() && (total.OldestWait.IsZero() || q.OldestWait.Before(total.OldestWait)) {
			total.OldestWait = q.OldestWait
		}
		total.WaitingCalls = append(total.WaitingCalls, q.WaitingCalls...)
		total.Period.plus(q.Period)
		total.Last15.plus(q.Last15)
		total.Last30.plus(q.Last30)
		total.Last60.plus(q.Last60)
		for _, iv := range q.Intraday {
			if sum, ok := intervals[iv.Start]; ok {
				sum.Period.plus(iv.Period)
			} else {
				iv := iv
				intervals[iv.Start] = &iv
			}
		}
		for ext := range b.members[k] {
			members[ext] = struct{}{}
		}
		for ext := range b.configured[k] {
			members[ext] = struct{}{}
		}
	}
	slices.SortFunc(total.WaitingCalls, func(x, y WaitingCall) int {
		return cmp.Or(x.Since.Compare(y.Since), strings.Compare(x.ID, y.ID))
	})
	total.WaitingCalls = cloneOrNil(total.WaitingCalls)
	for _, iv := range intervals {
		total.Intraday = append(total.Intraday, *iv)
	}
	slices.SortFunc(total.Intraday, func(x, y Interval) int { return x.Start.Compare(y.Start) })
	for ext := range members {
		total.count(b.memberClass(key{company, ext}), 1)
	}
	b.opts.Directory.fillQueue(&total)
	return total, true
}

// mergeFormula is the formula of two groups of queues taken together (see
// QueueTotal).
func mergeFormula(a, b Formula) Formula {
	if a == b {
		return a
	}
	m := Formula{Basis: BasisOffered}
	if a.Threshold == b.Threshold {
		m.Threshold = a.Threshold
	}
	m.ShortAbandon = -1
	if a.ShortAbandon == b.ShortAbandon {
		m.ShortAbandon = a.ShortAbandon
	}
	if a.Basis == BasisAnswered && b.Basis == BasisAnswered {
		m.Basis = BasisAnswered
	}
	return m
}

// QueueTotals are QueueTotal of every company with two queues or more, by
// company.
func (b *Board) QueueTotals() []QueueStats {
	var out []QueueStats
	for company := range b.tenants {
		if q, ok := b.QueueTotal(company); ok {
			out = append(out, q)
		}
	}
	slices.SortFunc(out, func(x, y QueueStats) int { return strings.Compare(x.Company, y.Company) })
	return out
}
