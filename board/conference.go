package board

import (
	"slices"
	"strings"
	"time"
)

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
// extension, else the lower-cased email, else the name.
func participantID(p ConferenceParticipant) string {
	switch {
	case p.Extension != "":
		return "x:" + p.Extension
	case p.Email != "":
		return "e:" + strings.ToLower(p.Email)
	}
	return "n:" + p.Name
}

// openConference returns the conference for an event at time at, creating
// it, or nil when the event is older than the conference's last update.
func (b *Board) openConference(k key, at time.Time) *Conference {
	c, ok := b.confs[k]
	if ok && at.Before(c.UpdatedAt) {
		return nil
	}
	b.touchConference(k)
	if !ok {
		c = &Conference{ID: k.id, Company: k.company, StartedAt: at}
		b.confs[k] = c
	}
	c.UpdatedAt = at
	b.confFloor.include(at)
	return c
}

// applyConference replaces a conference's subject and participants.
func (b *Board) applyConference(company string, at time.Time, e *ConferenceUpsert) {
	if e.ID == "" {
		return
	}
	c := b.openConference(key{company, e.ID}, at)
	if c == nil {
		return
	}
	b.touchParticipants(company, c.Participants)
	if !e.StartedAt.IsZero() {
		c.StartedAt = e.StartedAt.UTC()
	}
	c.Subject = e.Subject
	c.Participants = cloneOrNil(e.Participants)
	b.learnParticipants(company, c.Participants)
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
	id := participantID(e.Participant)
	parts := slices.Clone(c.Participants)
	i := slices.IndexFunc(parts, func(p ConferenceParticipant) bool { return participantID(p) == id })
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
	b.touchParticipants(k.company, parts)
}
