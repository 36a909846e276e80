package board

import "strings"

// Person is one entry of a Directory: who an extension or an email is.
// Company limits the entry to one company; empty: every company.
type Person struct {
	Company    string
	Extension  string
	Email      string
	Name       string
	Group      string
	Department string
}

// Directory gives names, groups and departments to people the PBX's events
// name only by extension or email (a directory in the configuration file,
// or a CSV export of the PBX's users). It is applied when the board is
// read (User, Call, Conference, Queue, Snapshot), never stored: what the
// events said is kept as they said it, every node with the same directory
// reads the same board, and a changed directory applies at once. What an
// event says wins, except a "name" that is an email address. An email the
// directory gives an extension also resolves events that name the person
// by email only. A nil *Directory is empty.
type Directory struct {
	byExt   map[key]*Person
	byEmail map[key]*Person
}

// NewDirectory indexes people by (company, extension) and (company,
// lower-cased email); a later entry for the same key replaces an earlier.
func NewDirectory(people []Person) *Directory {
	d := &Directory{byExt: map[key]*Person{}, byEmail: map[key]*Person{}}
	for i := range people {
		p := people[i]
		p.Email = strings.TrimSpace(p.Email)
		p.Extension = strings.TrimSpace(p.Extension)
		if p.Extension != "" {
			d.byExt[key{p.Company, p.Extension}] = &p
		}
		if p.Email != "" {
			d.byEmail[key{p.Company, strings.ToLower(p.Email)}] = &p
		}
	}
	return d
}

// Len is the number of people the directory knows by extension or email.
func (d *Directory) Len() int {
	if d == nil {
		return 0
	}
	return max(len(d.byExt), len(d.byEmail))
}

// lookup finds the person of company with extension ext, else email:
// an entry for the company first, then one for every company.
func (d *Directory) lookup(company, ext, email string) *Person {
	if d == nil {
		return nil
	}
	email = strings.ToLower(email)
	for _, c := range [2]string{company, ""} {
		if ext != "" {
			if p := d.byExt[key{c, ext}]; p != nil {
				return p
			}
		}
		if email != "" {
			if p := d.byEmail[key{c, email}]; p != nil {
				return p
			}
		}
	}
	return nil
}

// unnamed reports whether name says nothing a person would recognise: empty,
// or an email address.
func unnamed(name string) bool { return name == "" || strings.Contains(name, "@") }

// fillUser completes u from the directory.
func (d *Directory) fillUser(u *User) {
	p := d.lookup(u.Company, u.Extension, u.Email)
	if p == nil {
		return
	}
	if unnamed(u.Name) && p.Name != "" {
		u.Name = p.Name
	}
	fillEmpty(&u.Email, p.Email)
	fillEmpty(&u.Group, p.Group)
	fillEmpty(&u.Department, p.Department)
}

// fillParty completes a local call party from the directory.
func (d *Directory) fillParty(company string, party *Party) {
	if party == nil || !party.Local {
		return
	}
	p := d.lookup(company, party.Extension, party.Email)
	if p == nil {
		return
	}
	if unnamed(party.Name) && p.Name != "" {
		party.Name = p.Name
	}
	fillEmpty(&party.Extension, p.Extension)
	fillEmpty(&party.Group, p.Group)
	fillEmpty(&party.Department, p.Department)
}

// fillCall completes a call's local parties.
func (d *Directory) fillCall(c *Call) {
	if d == nil {
		return
	}
	for i := range c.Legs {
		d.fillParty(c.Company, &c.Legs[i].Caller)
		d.fillParty(c.Company, c.Legs[i].Callee)
	}
}

// fillConference completes a conference's participants.
func (d *Directory) fillConference(c *Conference) {
	if d == nil {
		return
	}
	for i := range c.Participants {
		cp := &c.Participants[i]
		p := d.lookup(c.Company, cp.Extension, cp.Email)
		if p == nil {
			continue
		}
		if unnamed(cp.Name) && p.Name != "" {
			cp.Name = p.Name
		}
		fillEmpty(&cp.Department, p.Department)
	}
}

// fillQueue names who acknowledged or snoozed the queue's alert when the
// directory knows their email.
func (d *Directory) fillQueue(q *QueueStats) {
	if d == nil {
		return
	}
	for _, by := range []*string{&q.Alert.AckedBy, &q.Alert.SnoozedBy} {
		if strings.Contains(*by, "@") {
			if p := d.lookup(q.Company, "", *by); p != nil && p.Name != "" {
				*by = p.Name
			}
		}
	}
}

func fillEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// directoryExt is the extension the directory gives email in company, or "".
func (d *Directory) directoryExt(company, email string) string {
	if p := d.lookup(company, "", email); p != nil {
		return p.Extension
	}
	return ""
}
