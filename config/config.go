// Package config reads and validates the wallboard's optional YAML
// configuration file: the public URL, the Wildix integrations and the
// companies they are bound to, the people who log in, the display links
// for TVs and per-queue alert thresholds.
//
// The file is the one place that says who may see what, so it is decoded
// strictly: an unknown key (a typo such as "pasword_hash") is an error rather
// than a silently open door.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// File is the configuration file, validated.
type File struct {
	// PublicURL is the origin browsers use, e.g. https://board.example.com.
	PublicURL string `yaml:"public_url,omitempty"`
	// SessionKeyFile holds the key that signs session cookies. Nodes that
	// share one event log should share it, so that a session started on one
	// is honoured by all. Empty: a key kept in the data directory.
	SessionKeyFile string        `yaml:"session_key_file,omitempty"`
	Integrations   []Integration `yaml:"integrations,omitempty"`
	Users          []User        `yaml:"users,omitempty"`
	Displays       []Display     `yaml:"displays,omitempty"`
	// Queues override the board's default alert thresholds for some queues.
	Queues []Queue `yaml:"queues,omitempty"`
	// Limits bound, per company, what events can make the board keep.
	Limits Limits `yaml:"limits,omitempty"`
	// Directory names people the events name only by extension or email;
	// DirectoryCSV is the path of a CSV export of the PBX's users, whose
	// rows Load appends to Directory (see ReadDirectoryCSV).
	Directory    []Person `yaml:"directory,omitempty"`
	DirectoryCSV string   `yaml:"directory_csv,omitempty"`
	// OIDC, when set, lets people sign in with an OpenID provider.
	OIDC *OIDC `yaml:"oidc,omitempty"`
	// PasswordLogin false turns off logging in with the passwords of
	// Users (see PasswordLoginOn); it needs OIDC.
	PasswordLogin *bool `yaml:"password_login,omitempty"`
}

// Limits are the board's per-company bounds (board.Limits); zero or absent
// takes the board's default.
type Limits struct {
	Users        int `yaml:"users_per_company,omitempty"`
	Calls        int `yaml:"calls_per_company,omitempty"`
	Conferences  int `yaml:"conferences_per_company,omitempty"`
	Tombstones   int `yaml:"ended_calls_per_company,omitempty"`
	QueueMembers int `yaml:"queue_members_per_company,omitempty"`
	Devices      int `yaml:"devices_per_user,omitempty"`
	Queues       int `yaml:"queues_per_company,omitempty"`
	Completed    int `yaml:"completed_calls_per_company_per_day,omitempty"`
	Participants int `yaml:"participants_per_conference,omitempty"`
}

// Locations are the time zones of the companies whose integrations set
// one (validated by Validate), by company.
func (f *File) Locations() map[string]*time.Location {
	out := map[string]*time.Location{}
	for _, in := range f.Integrations {
		if in.Timezone == "" {
			continue
		}
		if loc, err := time.LoadLocation(in.Timezone); err == nil {
			out[in.Company] = loc
		}
	}
	return out
}

// Queue configures one queue: when its row turns amber and red on the
// board, and how its figures are computed. The alert thresholds on calls
// waiting — at AmberWaiting (RedWaiting) calls waiting, or once a call has
// waited AmberWait (RedWait) — go together: all four or none (the board's
// defaults), red above amber. The service level and abandon rate alerts
// are optional percentages (0: the board's defaults).
type Queue struct {
	// Company limits the entry to that company's queue; empty: the queue of
	// that name in every company that has no entry of its own.
	Company      string        `yaml:"company,omitempty"`
	Name         string        `yaml:"name"`
	AmberWaiting int           `yaml:"amber_waiting,omitempty"`
	RedWaiting   int           `yaml:"red_waiting,omitempty"`
	AmberWait    time.Duration `yaml:"amber_wait,omitempty"` // e.g. "60s", "2m"
	RedWait      time.Duration `yaml:"red_wait,omitempty"`

	// SLThreshold: a call answered within it (≤) meets the service level;
	// 0 is the default, 20s.
	SLThreshold time.Duration `yaml:"sl_threshold,omitempty"`
	// ShortAbandon: a caller who hung up sooner is a short abandon,
	// counted apart and left out of the service level; nil is the default,
	// 5s; 0s makes every abandon count.
	ShortAbandon *time.Duration `yaml:"short_abandon,omitempty"`
	// SLBasis: "offered" (the default: answered within the threshold ÷
	// answered and abandoned) or "answered" (÷ answered).
	SLBasis string `yaml:"sl_basis,omitempty"`
	// Members are extensions that belong to the queue beside those its
	// calls reveal; they need Company.
	Members []string `yaml:"members,omitempty"`
	// AmberServiceLevel (RedServiceLevel): the row turns amber (red) when
	// today's service level falls below this percentage; red below amber.
	AmberServiceLevel float64 `yaml:"amber_service_level,omitempty"`
	RedServiceLevel   float64 `yaml:"red_service_level,omitempty"`
	// AmberAbandonRate (RedAbandonRate): the row turns amber (red) when
	// today's abandon rate reaches this percentage; red above amber.
	AmberAbandonRate float64 `yaml:"amber_abandon_rate,omitempty"`
	RedAbandonRate   float64 `yaml:"red_abandon_rate,omitempty"`
}

// HasWaitThresholds reports whether the entry sets the alert thresholds on
// calls waiting (Validate makes them all or none).
func (q Queue) HasWaitThresholds() bool {
	return q.AmberWaiting != 0 || q.RedWaiting != 0 || q.AmberWait != 0 || q.RedWait != 0
}

// Integration is one Wildix webhook integration. Its secrets verify only
// events that carry its ID, and those events must carry its Company.
type Integration struct {
	ID      string `yaml:"id"`
	Company string `yaml:"company"`
	// Secrets are the signing secrets, current first; several during a
	// rotation. Load reads SecretsFile (one secret per line) into them.
	Secrets     []string `yaml:"secrets,omitempty"`
	SecretsFile string   `yaml:"secrets_file,omitempty"`
	// SQSQueueURL, when set, is the AWS SQS queue this integration sends
	// to (transmission type AWS SQS in Wildix). Its secrets then verify the
	// messages' X-SIGNATURE: the AWS secret access key entered in the
	// integration. Without secrets, the wallboard's own AWS secret access
	// key is used, as Wildix's sample does.
	SQSQueueURL string `yaml:"sqs_queue_url,omitempty"`
	// Timezone is the company's day boundary for today's figures, an IANA
	// name such as "Europe/Rome"; empty: the -timezone default. Every
	// integration of one company that sets it must agree.
	Timezone string `yaml:"timezone,omitempty"`
}

// Role says what a user may see.
type Role string

// Roles. Admins see every company (unless given one) and supervisors their
// company, both with numbers in full; agents see their company with external
// numbers masked.
const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleAgent      Role = "agent"
)

// User is a person who logs in.
type User struct {
	// Email is the login name, compared without regard to case.
	Email string `yaml:"email"`
	Role  Role   `yaml:"role"`
	// PasswordHash is the output of "wallboard hash-password". With oidc
	// configured it may be empty: the user then signs in only with the
	// identity provider.
	PasswordHash string `yaml:"password_hash,omitempty"`
	// Company scopes the user to one tenant; only admins may omit it.
	Company string `yaml:"company,omitempty"`
	// Lang is the language of the user's pages (en, it, de, fr, es); empty:
	// the lang= query or the browser's Accept-Language.
	Lang string `yaml:"lang,omitempty"`
}

// Display is a read-only board for a TV: whoever has the link sees it.
// Removing it from the file revokes the link.
type Display struct {
	Name    string   `yaml:"name"`
	Token   string   `yaml:"token"`
	Company string   `yaml:"company"`
	Groups  []string `yaml:"groups,omitempty"` // shown groups (a view filter, not access control); empty: all
	// Masked hides external numbers; nil means true, the default.
	Masked *bool `yaml:"masked,omitempty"`
	// Lang is the language of the display (en, it, de, fr, es); empty: the
	// lang= query or the browser's Accept-Language.
	Lang string `yaml:"lang,omitempty"`
	// Rotate is how long the TV shows each page of what does not fit on
	// one screen (the rotate= URL parameter): 0 means the default (15 s);
	// from 3 s to 1 h. ExceptionsFirst shows everyone not available first
	// (sort=exceptions). Both only set the link's URL parameters when it
	// has none of its own.
	Rotate          time.Duration `yaml:"rotate,omitempty"`
	ExceptionsFirst bool          `yaml:"exceptions_first,omitempty"`
	// View is what the link shows: "board" (the default, the wall board)
	// or "queues" (the queue wall, as /queues).
	View string `yaml:"view,omitempty"`
	// Acknowledge lets whoever has the link acknowledge and snooze the
	// company's queue alerts (on every screen); without it the TV shows
	// alerts and who acknowledged them, without buttons.
	Acknowledge bool `yaml:"acknowledge,omitempty"`
	// Sound arms the alerts' sound when the page loads, without the click
	// browsers otherwise require (start the TV's browser with
	// --autoplay-policy=no-user-gesture-required).
	Sound bool `yaml:"sound,omitempty"`
}

// IsMasked reports whether the display hides external numbers.
func (d Display) IsMasked() bool { return d.Masked == nil || *d.Masked }

// MinTokenLength is the shortest display token accepted: a display link is a
// bearer credential and must not be guessable.
const MinTokenLength = 32

// Load reads, decodes and validates the file at path, reading every
// integration's secrets_file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	f, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	for i := range f.Integrations {
		in := &f.Integrations[i]
		if in.SecretsFile == "" {
			continue
		}
		b, err := os.ReadFile(in.SecretsFile)
		if err != nil {
			return nil, fmt.Errorf("configuration %s: integration %q: %w", path, in.ID, err)
		}
		for line := range strings.Lines(string(b)) {
			if s := strings.TrimSpace(line); s != "" {
				in.Secrets = append(in.Secrets, s)
			}
		}
	}
	if err := readOIDCSecret(f.OIDC); err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	if f.DirectoryCSV != "" {
		people, err := ReadDirectoryCSV(f.DirectoryCSV)
		if err != nil {
			return nil, fmt.Errorf("configuration %s: %w", path, err)
		}
		f.Directory = append(f.Directory, people...)
	}
	return f, nil
}

// Parse decodes and validates a configuration held in memory. Integrations
// must carry their secrets inline: Parse reads no files.
func Parse(data []byte) (*File, error) {
	f, err := decode(data)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}

func decode(data []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decode YAML: %w", err)
	}
	for i := range f.Users {
		f.Users[i].Email = strings.ToLower(strings.TrimSpace(f.Users[i].Email))
	}
	return &f, nil
}

// Validate reports every problem in f at once, each naming the entry.
func (f *File) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if f.PublicURL != "" {
		u, err := url.Parse(f.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("public_url: %q is not an http or https URL such as https://board.example.com", f.PublicURL)
		}
	}

	validateDirectory(f.Directory, bad)

	ids := map[string]bool{}
	zones := map[string]string{}
	for i, in := range f.Integrations {
		name := fmt.Sprintf("integrations[%d]", i)
		switch {
		case in.ID == "":
			bad("%s: id is missing", name)
		case ids[in.ID]:
			bad("%s: id %q appears twice", name, in.ID)
		}
		ids[in.ID] = true
		if in.Company == "" {
			bad("%s (%s): company is missing", name, in.ID)
		}
		if len(in.Secrets) == 0 && in.SQSQueueURL == "" {
			bad("%s (%s): no secrets: set secrets or secrets_file", name, in.ID)
		}
		for _, s := range in.Secrets {
			if s == "" {
				bad("%s (%s): a secret is empty", name, in.ID)
			}
		}
		if in.Timezone != "" {
			if _, err := time.LoadLocation(in.Timezone); err != nil {
				bad("%s (%s): timezone %q is not a known time zone such as \"Europe/Rome\"", name, in.ID, in.Timezone)
			} else if z, ok := zones[in.Company]; ok && z != in.Timezone {
				bad("%s (%s): timezone %q differs from %q set for company %q by another integration", name, in.ID, in.Timezone, z, in.Company)
			}
			zones[in.Company] = in.Timezone
		}
	}
	for _, l := range []struct {
		name string
		v    int
	}{
		{"users_per_company", f.Limits.Users}, {"calls_per_company", f.Limits.Calls},
		{"conferences_per_company", f.Limits.Conferences}, {"ended_calls_per_company", f.Limits.Tombstones},
		{"queue_members_per_company", f.Limits.QueueMembers}, {"devices_per_user", f.Limits.Devices},
		{"queues_per_company", f.Limits.Queues}, {"completed_calls_per_company_per_day", f.Limits.Completed},
		{"participants_per_conference", f.Limits.Participants},
	} {
		if l.v < 0 {
			bad("limits: %s must not be negative", l.name)
		}
	}

	emails := map[string]bool{}
	for i, u := range f.Users {
		name := fmt.Sprintf("users[%d]", i)
		switch {
		case u.Email == "":
			bad("%s: email is missing", name)
		case emails[u.Email]:
			bad("%s: email %q appears twice", name, u.Email)
		}
		emails[u.Email] = true
		switch u.Role {
		case RoleAdmin:
		case RoleSupervisor, RoleAgent:
			if u.Company == "" {
				bad("%s (%s): company is missing; only admins may see every company", name, u.Email)
			}
		default:
			bad("%s (%s): role %q is not admin, supervisor or agent", name, u.Email, u.Role)
		}
		if u.PasswordHash == "" && f.OIDC != nil {
			// signs in with the identity provider only
		} else if _, err := ParsePasswordHash(u.PasswordHash); err != nil {
			bad("%s (%s): password_hash: %w; create one with \"wallboard hash-password\"", name, u.Email, err)
		}
	}

	f.validateOIDC(bad)

	tokens := map[string]bool{}
	for i, d := range f.Displays {
		name := fmt.Sprintf("displays[%d] (%s)", i, d.Name)
		if d.Name == "" {
			bad("displays[%d]: name is missing", i)
		}
		switch {
		case len(d.Token) < MinTokenLength:
			bad("%s: token is shorter than %d characters; use a long random string such as the output of \"openssl rand -hex 32\"", name, MinTokenLength)
		case strings.ContainsAny(d.Token, "/?#% \t"):
			bad("%s: token may not contain '/', '?', '#', '%%' or spaces: it is part of a URL path", name)
		case tokens[d.Token]:
			bad("%s: token is used by another display", name)
		}
		tokens[d.Token] = true
		if d.Company == "" {
			bad("%s: company is missing", name)
		}
		if d.View != "" && d.View != "board" && d.View != "queues" {
			bad("%s: view %q must be board or queues", name, d.View)
		}
		if d.Rotate != 0 && (d.Rotate < 3*time.Second || d.Rotate > time.Hour || d.Rotate%time.Second != 0) {
			bad("%s: rotate (%s) must be whole seconds from 3s to 1h", name, d.Rotate)
		}
	}
	queues := map[[2]string]bool{}
	for i, q := range f.Queues {
		name := fmt.Sprintf("queues[%d] (%s)", i, q.Name)
		switch k := [2]string{q.Company, q.Name}; {
		case q.Name == "":
			bad("queues[%d]: name is missing", i)
		case queues[k]:
			bad("%s: appears twice for company %q", name, q.Company)
		default:
			queues[k] = true
		}
		if q.HasWaitThresholds() {
			if q.AmberWaiting < 1 {
				bad("%s: amber_waiting must be 1 or more", name)
			}
			if q.RedWaiting <= q.AmberWaiting {
				bad("%s: red_waiting (%d) must be above amber_waiting (%d)", name, q.RedWaiting, q.AmberWaiting)
			}
			if q.AmberWait < time.Second {
				bad("%s: amber_wait must be a duration of 1s or more, such as \"60s\"", name)
			}
			if q.RedWait <= q.AmberWait {
				bad("%s: red_wait (%v) must be above amber_wait (%v)", name, q.RedWait, q.AmberWait)
			}
		}
		if q.SLThreshold < 0 || q.SLThreshold > time.Hour || q.SLThreshold%time.Second != 0 {
			bad("%s: sl_threshold (%v) must be whole seconds up to 1h, such as \"20s\"", name, q.SLThreshold)
		}
		if q.ShortAbandon != nil && (*q.ShortAbandon < 0 || *q.ShortAbandon > 10*time.Minute || *q.ShortAbandon%time.Second != 0) {
			bad("%s: short_abandon (%v) must be whole seconds up to 10m, such as \"5s\" (\"0s\": none)", name, *q.ShortAbandon)
		}
		if q.SLBasis != "" && q.SLBasis != "offered" && q.SLBasis != "answered" {
			bad("%s: sl_basis %q must be offered or answered", name, q.SLBasis)
		}
		if len(q.Members) > 0 && q.Company == "" {
			bad("%s: members need the queue's company", name)
		}
		seen := map[string]bool{}
		for _, m := range q.Members {
			if m == "" || seen[m] {
				bad("%s: members: %q is empty or listed twice", name, m)
			}
			seen[m] = true
		}
		pct := func(key string, v float64) {
			if v < 0 || v > 100 {
				bad("%s: %s (%v) must be a percentage from 0 to 100", name, key, v)
			}
		}
		pct("amber_service_level", q.AmberServiceLevel)
		pct("red_service_level", q.RedServiceLevel)
		pct("amber_abandon_rate", q.AmberAbandonRate)
		pct("red_abandon_rate", q.RedAbandonRate)
		if q.AmberServiceLevel != 0 && q.RedServiceLevel != 0 && q.RedServiceLevel >= q.AmberServiceLevel {
			bad("%s: red_service_level (%v) must be below amber_service_level (%v)", name, q.RedServiceLevel, q.AmberServiceLevel)
		}
		if q.AmberAbandonRate != 0 && q.RedAbandonRate != 0 && q.RedAbandonRate <= q.AmberAbandonRate {
			bad("%s: red_abandon_rate (%v) must be above amber_abandon_rate (%v)", name, q.RedAbandonRate, q.AmberAbandonRate)
		}
	}
	return errors.Join(errs...)
}

// Redacted is a copy of f safe to print or log: every secret, password hash
// and display token is replaced by a placeholder.
func (f *File) Redacted() *File {
	const hidden = "(redacted)"
	out := *f
	out.Integrations = make([]Integration, len(f.Integrations))
	for i, in := range f.Integrations {
		in.Secrets = []string{fmt.Sprintf("(%d secret(s), redacted)", len(in.Secrets))}
		out.Integrations[i] = in
	}
	out.Users = make([]User, len(f.Users))
	for i, u := range f.Users {
		u.PasswordHash = hidden
		out.Users[i] = u
	}
	if f.OIDC != nil {
		o := *f.OIDC
		if o.ClientSecret != "" {
			o.ClientSecret = hidden
		}
		out.OIDC = &o
	}
	out.Displays = make([]Display, len(f.Displays))
	for i, d := range f.Displays {
		d.Token = hidden
		out.Displays[i] = d
	}
	return &out
}
