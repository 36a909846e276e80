package pbxsim

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// setStatus changes a user's manual presence; a zero until means no expiry.
// At until, a status nobody changed since expires back to available, as
// the PBX does.
func (s *Sim) setStatus(u *user, status, message string, until time.Time) {
	u.status, u.message, u.until = status, message, nil
	u.statusChanges++
	if until.IsZero() {
		return
	}
	until = until.Truncate(time.Minute)
	iso := until.UTC().Format(time.RFC3339)
	u.until = &iso
	version := u.statusChanges
	s.after(until.Sub(s.now), func() {
		if u.statusChanges == version {
			s.setStatus(u, "", "", time.Time{})
			s.emit(s.userPresence(u))
		}
	})
}

// userPresence is the presence:user event for u's current status.
func (s *Sim) userPresence(u *user) envelope {
	return envelope{
		ID:   s.opts.Company + "_" + u.ext,
		PBX:  s.opts.PBX,
		Type: "presence:user",
		Data: userPresence{
			Extension: u.ext, Email: u.email, Status: u.status, Until: u.until, Message: u.message,
		},
	}
}

// telephonyPresence is the presence:telephony event announcing status.
func (s *Sim) telephonyPresence(u *user, status string) envelope {
	return envelope{
		ID:   s.opts.Company + "_" + strconv.FormatInt(s.ms(), 10) + "_" + u.ext,
		PBX:  s.opts.PBX,
		Type: "presence:telephony",
		Data: telephonyPresence{Extension: u.ext, Email: u.email, Status: status},
	}
}

// syncTelephony announces u's telephony status if it changed.
func (s *Sim) syncTelephony(u *user) {
	if st := u.telephony(); st != u.lastTel {
		u.lastTel = st
		s.emit(s.telephonyPresence(u, st))
	}
}

// presenceChange is the recurring manual status change: someone goes to a
// meeting or lunch, steps away, or comes back.
func (s *Sim) presenceChange() {
	defer s.after(s.exp(s.opts.Rate/4), s.presenceChange)
	u := s.users[s.rng.IntN(len(s.users))]
	switch {
	case u.status != "":
		s.setStatus(u, "", "", time.Time{}) // back: Wildix sends "" for available
	case s.rng.IntN(3) == 0:
		s.setStatus(u, "away", "", time.Time{})
	default:
		msg := []string{"Meeting", "Lunch", "Training", "Meeting"}[s.rng.IntN(4)]
		s.setStatus(u, "dnd", msg, s.now.Add(s.between(15*time.Minute, 90*time.Minute)))
	}
	s.emit(s.userPresence(u))
}

// conferenceSubjects are meeting titles for simulated conferences.
var conferenceSubjects = []string{
	"Status & Priorities", "Weekly Sales Review", "Support Stand-up", "Billing run Q3",
	"Customer escalation: ACME", "1:1", "Onboarding — new starters", "Pipeline check",
}

// conferenceArrival starts a conference of 2–5 free users that lasts a few
// minutes; sometimes another user joins late.
func (s *Sim) conferenceArrival() {
	defer s.after(s.exp(s.opts.Rate/30), s.conferenceArrival)
	members := s.pickFree(2+s.rng.IntN(4), nil)
	if len(members) < 2 {
		return
	}
	s.confCounter++
	id := fmt.Sprintf("conf%08x-%04x-4d1d-80be-%012x_%d", s.rng.Uint32(), s.confCounter&0xffff, s.rng.Uint64()&0xffffffffffff, s.ms())
	start := isoMillis(s.now)
	subject := conferenceSubjects[s.rng.IntN(len(conferenceSubjects))]
	for _, u := range members {
		u.inConference = true
	}
	progress := func() {
		parts := make([]confParticipant, len(members))
		for i, u := range members {
			parts[i] = s.participant(u)
		}
		s.emit(envelope{ID: id, Time: s.dispatch(), Type: "conference:live:progress", Data: conferenceProgress{
			ID: id, Time: s.ms(), Company: s.opts.Company, Event: "conference", Start: start, Subject: subject,
			Participants: parts,
		}})
	}
	presence := func(u *user, joined bool) {
		s.emit(envelope{ID: id, PBX: s.opts.PBX, Type: "presence:conference", Data: conferencePresence{
			Extension: u.ext, IsJoined: joined, IsLeaved: !joined, Participant: s.participant(u),
		}})
	}
	progress()
	for _, u := range members {
		presence(u, true)
	}
	length := s.between(2*time.Minute, 12*time.Minute)
	if s.rng.IntN(3) == 0 {
		s.after(s.between(30*time.Second, length/2), func() {
			late := s.pickFree(1, nil)
			if len(late) == 0 {
				return
			}
			u := late[0]
			u.inConference = true
			members = append(members, u)
			s.emit(envelope{ID: id, Time: s.dispatch(), Type: "conference:live:join", Data: conferenceJoin{
				ID: id, Time: s.ms(), Company: s.opts.Company, Event: "conference", Participant: s.participant(u),
			}})
			presence(u, true)
			progress()
		})
	}
	s.after(length, func() {
		for _, u := range members {
			u.inConference = false
			presence(u, false)
		}
	})
}

// participant is u as a conference participant; the same in every event.
func (s *Sim) participant(u *user) confParticipant {
	return confParticipant{
		Type:         "XBS",
		JID:          u.userID + "@conference-xmpp.example.com/" + u.ext,
		Name:         u.name,
		Email:        u.email,
		Department:   u.department,
		Company:      s.opts.Company,
		PBXSerial:    s.opts.PBX,
		PBXExtension: u.ext,
		PBXGroupID:   u.group.id,
		XBSID:        "x" + u.userID,
		License:      &u.license,
	}
}

// chatMessage emits a chat event: a type the wallboard must accept and ignore.
func (s *Sim) chatMessage() {
	defer s.after(s.exp(s.opts.Rate/20), s.chatMessage)
	u := s.users[s.rng.IntN(len(s.users))]
	s.emit(envelope{
		ID:   fmt.Sprintf("msg%d%04d", s.ms(), s.rng.IntN(10000)),
		Type: "chat:message:new",
		Data: chatMessage{
			Channel: chatChannel{ChannelID: fmt.Sprintf("mb-%08x", s.rng.Uint32())},
			Message: chatText{Text: "See you at the stand-up", User: u.email},
		},
	})
}

// pickFree returns up to n distinct free users, optionally from one group,
// in random order. Random probes find them cheaply in a large, mostly idle
// company; a full shuffled scan settles the rest.
func (s *Sim) pickFree(n int, g *group) []*user {
	var picked []*user
	ok := func(u *user) bool {
		return u.free() && (g == nil || u.group == g) && !slices.Contains(picked, u)
	}
	for range 4 * n {
		if len(picked) == n {
			return picked
		}
		if u := s.users[s.rng.IntN(len(s.users))]; ok(u) {
			picked = append(picked, u)
		}
	}
	for _, i := range s.rng.Perm(len(s.users)) {
		if len(picked) == n {
			break
		}
		if u := s.users[i]; ok(u) {
			picked = append(picked, u)
		}
	}
	return picked
}

// isoMillis formats t as Wildix does: UTC ISO 8601 with milliseconds.
func isoMillis(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
