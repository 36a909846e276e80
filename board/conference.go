package board

import (
	"slices"
	"strings"
	"time"
)

// confRec is a live conference and the company's clock (receive time) when
// it was last updated, which its expiry counts from. Exported fields are
// serialised by MarshalBinary.
type confRec struct {
	Conference
	SeenAt time.Time
}

func (c Conference) clone() Conference {
	c.Participants = cloneOrNil(c.Participants)
	return c
}

func conferenceEqual(a, b *Conference) bool {
	return a.ID == b.ID && a.Company == b.Company && a.Subject == b.Subject &&
		a.StartedAt.Equal(b.StartedAt) && slices.Equal(a.Participants, b.Participants) &&
		a.UpdatedAt.Equal(b.UpdatedAt)
}

// participantID is how a participant is recognised across events: the
// PBX's id (jid or xbsId), else the extension, else the lower-cased email.
// A participant with none of these (a dial-in guest known only by a name
// such as "Guest") is never the same as another: ok is false.
func participantID(p ConferenceParticipant) (id string, ok bool) {
	switch {
	case p.ID != "":
		return "i:" + p.ID, true
	case p.Extension != "":
		return "x:" + p.Extension, true
	case p.Email != "":
		return "e:" + strings.ToLower(p.Email), true
	}
	return "", false
}

// openConference returns the conference for an event at time at, creating
// it, or nil when the event is older than the conference's last update or
// the company has Limits.Conferences live already.
func (b *Board) openConference(k key, at time.Time) *confRec {
	c, ok := b.confs[k]
	if ok && at.Before(c.UpdatedAt) {
		return nil
	}
	t := b.tenants[k.company]
	if !ok && len(t.confs) >= b.opts.Limits.Conferences {
		b.hit(LimitConferences)
		return nil
	}
	b.touchConference(k)
	if !ok {
		c = &confRec{Conference: Conference{ID: k.id, Company: k.company, StartedAt: at}}
		b.confs[k] = c
		t.confs[k.id] = struct{}{}
	}
	c.UpdatedAt = at
	c.SeenAt = t.now
	t.confFloor.include(t.now)
	return c
}

// applyConference replaces a conference's subject and participants.
func (b *Board) applyConference(company string, at time.Time, e *ConferenceUpsert) {
	if e.ID == "" {
		return
	}
	k := key{company, e.ID}
	if len(e.Participants) == 0 {
		// Nobody left: the conference ended (when the event is not older
		// than what the conference reflects).
		if c, ok := b.confs[k]; ok && !at.Before(c.UpdatedAt) {
			b.removeConference(k)
		}
		return
	}
	c := b.openConference(k, at)
	if c == nil {
		return
	}
	b.touchParticipants(company, c.Participants)
	if started := within(e.StartedAt, at.Add(b.opts.MaxSkew), time.Time{}); !started.IsZero() {
		c.StartedAt = started
	}
	c.Subject = e.Subject
	c.Participants = uniqueParticipants(e.Participants)
	b.learnParticipants(company, c.Participants)
}

// uniqueParticipants copies parts, keeping the last entry of each person
// (see participantID) at the place of their first.
func uniqueParticipants(parts []ConferenceParticipant) []ConferenceParticipant {
	out := make([]ConferenceParticipant, 0, len(parts))
	at := make(map[string]int, len(parts))
	for _, p := range parts {
		id, ok := participantID(p)
		if i, seen := at[id]; ok && seen {
			out[i] = p
			continue
		}
		if ok {
			at[id] = len(out)
		}
		out = append(out, p)
	}
	return cloneOrNil(out)
}

// applyConferenceJoin adds one participant, replacing an earlier entry for
// the same person.
func (b *Board) applyConferenceJoin(company string, at time.Time, e *ConferenceJoin) {
	if e.ID == "" {
		return
	}
	c := b.openConference(key{company, e.ID}, at)
	if c == nil {
		return
	}
	id, known := participantID(e.Participant)
	parts := slices.Clone(c.Participants)
	i := -1
	if known {
		i = slices.IndexFunc(parts, func(p ConferenceParticipant) bool { pid, ok := participantID(p); return ok && pid == id })
	}
	if i >= 0 {
		parts[i] = e.Participant
	} else {
		parts = append(parts, e.Participant)
	}
	c.Participants = parts
	b.learnParticipants(company, []ConferenceParticipant{e.Participant})
}

// learnParticipants learns users from participants and touches them, so
// that their InConference is recomputed.
func (b *Board) learnParticipants(company string, parts []ConferenceParticipant) {
	for _, p := range parts {
		b.learnUser(company, p.Extension, p.Email, p.Name, "", p.Department)
	}
}

// touchParticipants touches the known users among parts.
func (b *Board) touchParticipants(company string, parts []ConferenceParticipant) {
	for _, p := range parts {
		ext := b.resolve(company, p.Extension, p.Email)
		if _, ok := b.users[key{company, ext}]; ok {
			b.touchUser(key{company, ext}, false)
		}
	}
}

func (b *Board) removeConference(k key) {
	b.touchConference(k)
	parts := b.confs[k].Participants
	delete(b.confs, k)
	delete(b.tenants[k.company].confs, k.id)
	b.touchParticipants(k.company, parts)
}
