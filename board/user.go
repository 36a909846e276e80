package board

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// userRec is a user plus what the board needs to order and derive its
// facets. Exported fields are serialised by MarshalBinary.
type userRec struct {
	User
	// TelAt, PresAt and ConfAt are the times of the last telephony (from
	// any device), presence and conference-presence events applied to the
	// user.
	TelAt, PresAt, ConfAt time.Time
	// ConfJoined is the last presence:conference report.
	ConfJoined bool
	// Devices are the last telephony report of each device, by Device.
	Devices []deviceReport `json:",omitempty"`

	calls map[string]struct{} // derived: ids of active calls naming the user
}

// deviceReport is one device's last presence:telephony report.
type deviceReport struct {
	Device string
	Status string
	At     time.Time
}

// busyness ranks telephony values for choosing the busiest device: rt,
// talking, ringing, registered, then any other value.
func busyness(status string) int {
	switch status {
	case TelRT:
		return 4
	case TelTalking:
		return 3
	case TelRinging:
		return 2
	case TelRegistered:
		return 1
	}
	return 0
}

// State is what the user's tile shows and why, by this precedence (first
// match wins):
//
//  1. rt, talking, ringing: from Telephony, reported or derived from calls.
//  2. dnd: Status "dnd", or "busy" (reason ReasonBusy).
//  3. away: Status "away".
//  4. offline: Status "offline" or "unavailable": the user said they
//     cannot be reached (reason ReasonStatusOffline).
//  5. available: Telephony "registered", or Telephony not reported as
//     something else while Status is "available" (or not set). Any other
//     manual status (e.g. "mur") is not taken for "away": the tile follows
//     the phone as in this rule and the next two, and the reason is
//     ReasonStatus, carrying the value as received.
//  6. offline: a reported Telephony value that is none of the above (e.g.
//     "unregistered"): the phone is not reachable.
//  7. unknown: nothing reported yet.
//
// The reason is a code with its parameters, never a sentence: package views
// chooses the words, in the viewer's language.
func (u User) State() (TileState, Reason) {
	r := Reason{Reported: u.TelephonyReported, Value: u.Telephony}
	switch u.Telephony {
	case TelRT:
		r.Code = ReasonRT
		return TileRT, r
	case TelTalking:
		r.Code = ReasonTalking
		return TileTalking, r
	case TelRinging:
		r.Code = ReasonRinging
		return TileRinging, r
	}
	other := false
	switch u.Status {
	case "", StatusAvailable:
	case StatusDND:
		return TileDND, Reason{Code: ReasonDND, Value: u.Status, Message: u.Message}
	case StatusBusy:
		return TileDND, Reason{Code: ReasonBusy, Value: u.Status, Message: u.Message}
	case StatusAway:
		return TileAway, Reason{Code: ReasonAway, Value: u.Status, Message: u.Message}
	case StatusOffline, StatusUnavailable:
		return TileOffline, Reason{Code: ReasonStatusOffline, Value: u.Status, Message: u.Message}
	default:
		other = true
	}
	status := Reason{Code: ReasonStatus, Value: u.Status, Message: u.Message}
	switch {
	case u.Telephony == TelRegistered:
		if other {
			return TileAvailable, status
		}
		r.Code = ReasonAvailable
		return TileAvailable, r
	case u.TelephonyReported && u.Telephony != TelUnknown:
		r.Code = ReasonOffline
		return TileOffline, r
	case u.Status == StatusAvailable:
		return TileAvailable, Reason{Code: ReasonNoPhoneReport}
	case other:
		return TileUnknown, status
	}
	return TileUnknown, Reason{Code: ReasonNothingReported}
}

func (u User) clone() User {
	u.CallIDs = cloneOrNil(u.CallIDs)
	return u
}

func userEqual(a, b *User) bool {
	return a.Company == b.Company && a.Extension == b.Extension && a.Email == b.Email &&
		a.Name == b.Name && a.Group == b.Group && a.Department == b.Department &&
		a.Telephony == b.Telephony && a.TelephonyReported == b.TelephonyReported &&
		a.Status == b.Status && a.Message == b.Message && a.Until.Equal(b.Until) &&
		a.Location == b.Location && a.InConference == b.InConference &&
		slices.Equal(a.CallIDs, b.CallIDs) && a.Since.Equal(b.Since)
}

// resolve names the user a party refers to: its extension, else the
// extension of a known user with that email in the company, else the one
// the directory gives that email, else "".
func (b *Board) resolve(company, extension, email string) string {
	if extension != "" {
		return extension
	}
	if email == "" {
		return ""
	}
	if ext, ok := b.emails[key{company, strings.ToLower(email)}]; ok {
		return ext
	}
	return b.opts.Directory.directoryExt(company, email)
}

// learnUser resolves a party to a user, creating the user when the party
// carries an extension, and fills in whatever identity fields the party
// carries (a known value is never overwritten with an empty one). It returns
// the user's extension, or "" when the party names no user, or a new one
// beyond Limits.Users.
func (b *Board) learnUser(company, extension, email, name, group, department string) string {
	ext := b.resolve(company, extension, email)
	if ext == "" {
		return ""
	}
	k := key{company, ext}
	u, ok := b.users[k]
	if !ok {
		t := b.tenant(company)
		if t.users >= b.opts.Limits.Users {
			b.hit(LimitUsers)
			return ""
		}
		t.users++
		u = &userRec{User: User{Company: company, Extension: ext, Telephony: TelUnknown}}
		b.users[k] = u
	}
	b.touchUser(k, false)
	if email != "" && !strings.EqualFold(email, u.Email) {
		if old := strings.ToLower(u.Email); old != "" && b.emails[key{company, old}] == ext {
			delete(b.emails, key{company, old})
		}
		u.Email = email
	}
	if u.Email != "" {
		b.emails[key{company, strings.ToLower(u.Email)}] = ext
	}
	setIfAny(&u.Name, name)
	setIfAny(&u.Group, group)
	setIfAny(&u.Department, department)
	return ext
}

func setIfAny(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// learnParty learns a local call party; remote parties name no user.
func (b *Board) learnParty(company string, p *Party) string {
	if p == nil || !p.Local {
		return ""
	}
	return b.learnUser(company, p.Extension, p.Email, p.Name, p.Group, p.Department)
}

// partyExt is the extension of a local party, or "".
func (b *Board) partyExt(company string, p *Party) string {
	if p == nil || !p.Local {
		return ""
	}
	return b.resolve(company, p.Extension, p.Email)
}

// userExt is the extension of the existing user a local party names, or
// "".
func (b *Board) userExt(company string, p *Party) string {
	ext := b.partyExt(company, p)
	if _, ok := b.users[key{company, ext}]; !ok {
		return ""
	}
	return ext
}

// staleUser reports whether an event for the user's facet at time at is
// older than what the facet already reflects.
func (b *Board) staleUser(company, ext string, at time.Time, facet func(*userRec) time.Time) bool {
	u, ok := b.users[key{company, ext}]
	return ok && at.Before(facet(u))
}

// applyTelephony records one device's report (see Telephony) and sets the
// user's telephony to the busiest of their devices'.
func (b *Board) applyTelephony(company string, at time.Time, t *Telephony) {
	ext := b.resolve(company, t.Extension, t.Email)
	if ext == "" {
		return
	}
	if u, ok := b.users[key{company, ext}]; ok {
		if i := slices.IndexFunc(u.Devices, func(d deviceReport) bool { return d.Device == t.Device }); i >= 0 && at.Before(u.Devices[i].At) {
			return
		}
	}
	if b.learnUser(company, ext, t.Email, "", "", "") == "" {
		return
	}
	u := b.users[key{company, ext}]
	rep := deviceReport{Device: t.Device, Status: cmp.Or(strings.ToLower(t.Status), TelUnknown), At: at}
	// Devices are not part of User, so no txn "before" value shares them:
	// they may change in place.
	devs := u.Devices
	i, found := slices.BinarySearchFunc(devs, t.Device, func(d deviceReport, id string) int { return strings.Compare(d.Device, id) })
	switch {
	case found:
		devs[i] = rep
	case len(devs) >= b.opts.Limits.Devices:
		b.hit(LimitDevices)
		oldest := 0
		for j := range devs {
			if devs[j].At.Before(devs[oldest].At) {
				oldest = j
			}
		}
		devs = slices.Delete(devs, oldest, oldest+1)
		i, _ = slices.BinarySearchFunc(devs, t.Device, func(d deviceReport, id string) int { return strings.Compare(d.Device, id) })
		fallthrough
	default:
		devs = slices.Insert(devs, i, rep)
	}
	u.Devices = devs
	if at.After(u.TelAt) {
		u.TelAt = at
	}
	u.TelephonyReported = true
	u.Telephony = devs[0].Status
	for _, d := range devs[1:] {
		if busyness(d.Status) > busyness(u.Telephony) {
			u.Telephony = d.Status
		}
	}
	if rep.Status == TelTalking && u.Telephony == TelTalking {
		b.inferAnswer(u, at)
	}
}

func (b *Board) applyPresence(company string, at time.Time, p *Presence) {
	ext := b.resolve(company, p.Extension, p.Email)
	if ext == "" || b.staleUser(company, ext, at, func(u *userRec) time.Time { return u.PresAt }) {
		return
	}
	if b.learnUser(company, ext, p.Email, "", "", "") == "" {
		return
	}
	u := b.users[key{company, ext}]
	u.PresAt = at
	u.Status = cmp.Or(strings.ToLower(p.Status), StatusAvailable)
	u.Message = p.Message
	u.Until = within(p.Until, maxTime, time.Time{})
	u.Location = p.Location
}

func (b *Board) applyConfPresence(company string, at time.Time, p *ConferencePresence) {
	ext := b.resolve(company, p.Extension, p.Email)
	if ext == "" || b.staleUser(company, ext, at, func(u *userRec) time.Time { return u.ConfAt }) {
		return
	}
	if b.learnUser(company, ext, p.Email, "", "", "") == "" {
		return
	}
	u := b.users[key{company, ext}]
	u.ConfAt = at
	u.ConfJoined = p.Joined
}

// derive recomputes what a user's visible state takes from calls and
// conferences: CallIDs, InConference and, until a telephony report arrives,
// Telephony (the rules are documented on User.Telephony).
func (b *Board) derive(u *userRec) {
	ids := make([]string, 0, len(u.calls))
	for id := range u.calls {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y string) int {
		cx, cy := b.calls[key{u.Company, x}], b.calls[key{u.Company, y}]
		return cmp.Or(cx.StartedAt.Compare(cy.StartedAt), strings.Compare(x, y))
	})
	u.CallIDs = cloneOrNil(ids)

	u.InConference = u.ConfJoined || b.listedInConference(u.Company, u.Extension)

	if u.TelephonyReported {
		return
	}
	var ringing, talking bool
	for _, id := range ids {
		for _, l := range b.calls[key{u.Company, id}].Legs {
			caller := b.partyExt(u.Company, &l.Caller) == u.Extension
			callee := b.partyExt(u.Company, l.Callee) == u.Extension
			switch l.State {
			case LegRinging:
				ringing = ringing || callee
				talking = talking || caller
			case LegConnected, LegHold:
				talking = talking || caller || callee
			}
		}
	}
	switch {
	case ringing && talking:
		u.Telephony = TelRT
	case talking:
		u.Telephony = TelTalking
	case ringing:
		u.Telephony = TelRinging
	case len(ids) > 0:
		u.Telephony = TelRegistered
	default:
		u.Telephony = TelUnknown
	}
}

// listedInConference reports whether a live conference of the company lists
// the user. Conferences are few, so a scan is cheaper than an index.
func (b *Board) listedInConference(company, ext string) bool {
	for k, c := range b.confs {
		if k.company != company {
			continue
		}
		for _, p := range c.Participants {
			if b.resolve(company, p.Extension, p.Email) == ext {
				return true
			}
		}
	}
	return false
}
