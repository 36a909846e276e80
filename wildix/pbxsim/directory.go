package pbxsim

import (
	"fmt"
	"strconv"
	"strings"
)

// user is one PBX user of the simulated company and its live state.
type user struct {
	ext        string
	name       string
	email      string
	userID     string
	group      *group
	department *string // null for some users, as on real PBXs
	device     string
	agent      *string // user agent string; null for some devices
	license    string

	// Presence as last announced in presence:user.
	status  string // "", "away" or "dnd"
	message string
	until   *string
	// statusChanges counts setStatus calls, so that an expiry scheduled
	// for one status does not clear a later one.
	statusChanges int

	// Telephony is derived from these counters; lastTel is what was last
	// announced in presence:telephony.
	ringing int
	talking int
	lastTel string

	inConference bool
}

// telephony derives the presence:telephony status from the user's legs.
func (u *user) telephony() string {
	switch {
	case u.talking > 0 && u.ringing > 0:
		return "rt"
	case u.talking > 0:
		return "talking"
	case u.ringing > 0:
		return "ringing"
	default:
		return "registered"
	}
}

// free reports whether the user can take or place a new call.
func (u *user) free() bool {
	return u.ringing == 0 && u.talking == 0 && !u.inConference && u.status != "dnd"
}

// group is a PBX user group.
type group struct {
	id   string
	name string
}

// queue is a call queue whose agents are the users of one group.
type queue struct {
	id     string
	name   string
	agents *group
}

var (
	firstNames = []string{
		"Chiara", "Marco", "Giulia", "Luca", "Sofia", "Alessandro", "Francesca", "Matteo",
		"Emma", "Oliver", "Amelia", "George", "Isla", "Harry", "Zoë", "Noah",
		"José", "Lucía", "Mateo", "Élodie", "Lukas", "Hanna", "Anna", "Jonas",
		"Priya", "Arjun", "Mei", "Kenji", "Fatima", "Omar", "Ingrid", "Sven",
		"Aoife", "Seán", "Nora", "Henrik", "Camille", "Hugo", "Léa", "Tomasz",
		"Agnieszka", "Dmitri", "Olga", "Pedro", "Beatriz", "Kwame", "Ama", "Liam",
	}
	lastNames = []string{
		"Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino",
		"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans",
		"García", "Martínez", "López", "Dubois", "Müller", "Schmidt", "Schneider", "Fischer",
		"Sharma", "Patel", "Chen", "Tanaka", "Haddad", "Nasser", "Larsen", "Andersson",
		"Murphy", "O'Brien", "Nilsen", "Hansen", "Laurent", "Bernard", "Moreau", "Kowalski",
		"Nowak", "Ivanov", "Petrova", "Silva", "Santos", "Mensah", "Owusu", "Walsh",
	}
	// groupCycle assigns users to groups: Support is the largest team.
	groupCycle = []string{"Support", "Sales", "Support", "Billing", "Sales", "Support", "Admin", "Billing"}
	devices    = []string{"COLLABORATION_WEB", "XBEES_WEB", "WILDIX_PHONE", "XBEES_ANDROID", "COLLABORATION_WEB", "XBEES_IOS", "WILDIX_DEVICE", "COLLABORATION_IOS"}
	agents     = map[string]string{
		"COLLABORATION_WEB": "Wildix Zero Distance 4.0.1 WebRTC-%08x-6c4e-444f-b99f-a968bb5f7297",
		"XBEES_WEB":         "x-bees Web 1.76.0.1000420 %08x-c30a-4410-acd0-8d4657344284",
		"XBEES_ANDROID":     "x-bees Android 1.74.2 %08x",
		"XBEES_IOS":         "x-bees iOS 1.75.0 %08x",
		"COLLABORATION_IOS": "Collaboration iOS 3.9.1 %08x",
	}
	departments = map[string]string{"Support": "Customer Care", "Sales": "Sales", "Billing": "Finance"}
)

// newDirectory builds n users and the queues "Support" and "Sales"
// deterministically (no randomness: the company looks the same for every
// seed, only its traffic differs).
func newDirectory(company string, n int) ([]*user, []*queue) {
	groups := map[string]*group{}
	var queues []*queue
	for i, name := range []string{"Support", "Sales", "Billing", "Admin"} {
		g := &group{id: strconv.Itoa(62177694 + 104729*i), name: name}
		if name == "Support" || name == "Sales" {
			queues = append(queues, &queue{id: strconv.Itoa(701 + i), name: name, agents: g})
		}
		groups[name] = g
	}
	domain := strings.ReplaceAll(company, "_", "-") + ".example.com"
	users := make([]*user, n)
	for i := range n {
		first := firstNames[i%len(firstNames)]
		last := lastNames[(i+i/len(firstNames))%len(lastNames)]
		ext := strconv.Itoa(201 + i)
		local := asciiFold(strings.ToLower(first + "." + strings.ReplaceAll(last, "'", "")))
		if i >= len(firstNames) {
			local += "." + ext // keep emails unique in large simulated companies
		}
		g := groups[groupCycle[i%len(groupCycle)]]
		u := &user{
			ext:     ext,
			name:    first + " " + last,
			email:   local + "@" + domain,
			userID:  strconv.Itoa(1236286 + 7919*i),
			group:   g,
			device:  devices[i%len(devices)],
			license: []string{"premium", "business", "premium", "basic"}[i%4],
			lastTel: "registered",
		}
		if d, ok := departments[g.name]; ok && i%5 != 0 {
			u.department = &d
		}
		if f, ok := agents[u.device]; ok {
			a := fmt.Sprintf(f, 0x9fc4fe00+i)
			u.agent = &a
		}
		users[i] = u
	}
	return users, queues
}

// asciiFold replaces the accented letters used in the name lists, so that
// emails stay plain ASCII while display names keep their accents.
func asciiFold(s string) string {
	return strings.NewReplacer("ë", "e", "é", "e", "í", "i", "á", "a", "ü", "u", "ó", "o").Replace(s)
}

// externalPrefixes are realistic E.164 prefixes (Milan, Rome, London,
// Paris, Berlin, New York) with the number of digits that follow.
var externalPrefixes = []struct {
	prefix string
	digits int
}{
	{"+3902", 8}, {"+3906", 8}, {"+4420", 8}, {"+331", 8}, {"+4930", 8}, {"+1212", 7},
}

// trunks and the company's own numbers: inbound calls arrive on one of them.
var trunks = []struct{ name, did string }{
	{"Trunk-Milano", "+390287654300"},
	{"Trunk-London", "+442071838750"},
}
