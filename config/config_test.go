package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestLoadValid(t *testing.T) {
	f, err := Load("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Integrations[1].Secrets; len(got) != 2 || got[0] != "secret-b2-current" || got[1] != "secret-b2-previous" {
		t.Errorf("secrets_file read as %q", got)
	}
	if f.Users[0].Email != "boss@example.test" {
		t.Errorf("email not normalised: %q", f.Users[0].Email)
	}
	if !f.Displays[0].IsMasked() || f.Displays[1].IsMasked() {
		t.Errorf("masked: %v, %v; want true (default), false", f.Displays[0].IsMasked(), f.Displays[1].IsMasked())
	}
	zero := time.Duration(0)
	want := []Queue{
		{Name: "Support line", AmberWaiting: 3, RedWaiting: 6, AmberWait: 90 * time.Second, RedWait: 4 * time.Minute},
		{Company: "it_w700002", Name: "Support line", AmberWaiting: 1, RedWaiting: 2, AmberWait: 30 * time.Second, RedWait: 90 * time.Second},
		{Company: "it_w700002", Name: "Sales", SLThreshold: 30 * time.Second, ShortAbandon: &zero, SLBasis: "answered", Members: []string{"201", "202"},
			AmberServiceLevel: 80, RedServiceLevel: 60, AmberAbandonRate: 5, RedAbandonRate: 10},
	}
	if !reflect.DeepEqual(f.Queues, want) {
		t.Errorf("queues = %+v, want %+v", f.Queues, want)
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	const hash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$0n4mFJ+8b1ba6PqEzmyzKGhdhDP3xVzjTLDW4JbBl1g"
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "users:\n  - email: a@b.c\n    pasword_hash: x\n", "field pasword_hash not found"},
		{"public url", "public_url: board.example.test\n", "public_url"},
		{"integration without secrets", "integrations:\n  - id: a\n    company: c\n", "no secrets"},
		{"integration without company", "integrations:\n  - id: a\n    secrets: [s]\n", "company is missing"},
		{"duplicate integration", "integrations:\n  - {id: a, company: c, secrets: [s]}\n  - {id: a, company: d, secrets: [t]}\n", `id "a" appears twice`},
		{"bad role", "users:\n  - {email: a@b.c, role: root, password_hash: '" + hash + "'}\n", `role "root"`},
		{"supervisor without company", "users:\n  - {email: a@b.c, role: supervisor, password_hash: '" + hash + "'}\n", "only admins"},
		{"duplicate email", "users:\n  - {email: a@b.c, role: admin, password_hash: '" + hash + "'}\n  - {email: A@B.C, role: admin, password_hash: '" + hash + "'}\n", "appears twice"},
		{"plain password", "users:\n  - {email: a@b.c, role: admin, password_hash: hunter2}\n", "not an argon2id hash"},
		{"huge memory", "users:\n  - {email: a@b.c, role: admin, password_hash: '$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0$0n4mFJ+8b1ba6PqEzmyzKGhdhDP3xVzjTLDW4JbBl1g'}\n", "out of range"},
		{"short token", "displays:\n  - {name: TV, token: abc, company: c}\n", "shorter than 32"},
		{"token with slash", "displays:\n  - {name: TV, token: 'aaaaaaaaaaaaaaaa/aaaaaaaaaaaaaaaaaaa', company: c}\n", "may not contain"},
		{"display view unknown", "displays:\n  - {name: TV, token: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, company: c, view: calls}\n", "view \"calls\" must be board or queues"},
		{"display without company", "displays:\n  - {name: TV, token: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n", "company is missing"},
		{"display rotating too fast", "displays:\n  - {name: TV, token: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, company: c, rotate: 1s}\n", "rotate (1s) must be whole seconds from 3s to 1h"},
		{"display rotating in parts of seconds", "displays:\n  - {name: TV, token: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, company: c, rotate: 4500ms}\n", "rotate (4.5s) must be whole seconds"},
		{"queue without name", "queues:\n  - {amber_waiting: 2, red_waiting: 5, amber_wait: 60s, red_wait: 3m}\n", "queues[0]: name is missing"},
		{"queue twice", "queues:\n  - {name: Q, amber_waiting: 2, red_waiting: 5, amber_wait: 60s, red_wait: 3m}\n  - {name: Q, amber_waiting: 3, red_waiting: 6, amber_wait: 60s, red_wait: 3m}\n", "appears twice"},
		{"queue with half its thresholds", "queues:\n  - {name: Q, amber_waiting: 2}\n", "red_waiting (0) must be above amber_waiting (2)"},
		{"queue sl threshold in fractions", "queues:\n  - {name: Q, sl_threshold: 1500ms}\n", "sl_threshold (1.5s) must be whole seconds"},
		{"queue short abandon negative", "queues:\n  - {name: Q, short_abandon: -1s}\n", "short_abandon (-1s) must be whole seconds"},
		{"queue sl basis unknown", "queues:\n  - {name: Q, sl_basis: all}\n", "sl_basis \"all\" must be offered or answered"},
		{"queue members without company", "queues:\n  - {name: Q, members: [\"201\"]}\n", "members need the queue's company"},
		{"queue member twice", "queues:\n  - {name: Q, company: c, members: [\"201\", \"201\"]}\n", "\"201\" is empty or listed twice"},
		{"queue service level red above amber", "queues:\n  - {name: Q, amber_service_level: 60, red_service_level: 80}\n", "red_service_level (80) must be below amber_service_level (60)"},
		{"queue abandon rate over 100", "queues:\n  - {name: Q, red_abandon_rate: 120}\n", "red_abandon_rate (120) must be a percentage"},
		{"queue red below amber", "queues:\n  - {name: Q, amber_waiting: 5, red_waiting: 5, amber_wait: 60s, red_wait: 3m}\n", "red_waiting (5) must be above amber_waiting (5)"},
		{"queue red wait below amber", "queues:\n  - {name: Q, amber_waiting: 2, red_waiting: 5, amber_wait: 3m, red_wait: 60s}\n", "red_wait (1m0s) must be above amber_wait (3m0s)"},
		{"queue wait without unit", "queues:\n  - {name: Q, amber_waiting: 2, red_waiting: 5, amber_wait: 60, red_wait: 3m}\n", "cannot unmarshal !!int `60` into time.Duration"},
		{"queue wait below a second", "queues:\n  - {name: Q, amber_waiting: 2, red_waiting: 5, amber_wait: 500ms, red_wait: 3m}\n", "amber_wait must be a duration of 1s or more"},
		{"queue unknown key", "queues:\n  - {name: Q, amber: 2}\n", "field amber not found"},
		{"password login off without oidc", "password_login: false\n", "leaves nobody a way to log in"},
		{"oidc issuer plain http", "public_url: https://b.example.test\noidc: {issuer: 'http://idp.example.test', client_id: w, client_secret: s}\n", "is not an https URL"},
		{"oidc without client id", "public_url: https://b.example.test\noidc: {issuer: 'https://idp.example.test', client_secret: s}\n", "client_id is missing"},
		{"oidc without secret", "public_url: https://b.example.test\noidc: {issuer: 'https://idp.example.test', client_id: w}\n", "client_secret (or client_secret_file) is missing"},
		{"oidc without public url", "oidc: {issuer: 'https://idp.example.test', client_id: w, client_secret: s}\n", "public_url is required"},
		{"oidc group without company", "public_url: https://b.example.test\noidc: {issuer: 'https://idp.example.test', client_id: w, client_secret: s, groups: [{group: cc, role: supervisor}]}\n", "oidc.groups[0] (cc): company is missing"},
		{"oidc group twice", "public_url: https://b.example.test\noidc: {issuer: 'https://idp.example.test', client_id: w, client_secret: s, groups: [{group: cc, role: admin}, {group: cc, role: admin}]}\n", "(cc): appears twice"},
		{"oidc group role unknown", "public_url: https://b.example.test\noidc: {issuer: 'https://idp.example.test', client_id: w, client_secret: s, groups: [{group: cc, role: boss}]}\n", `role "boss"`},
		{"user without password and no oidc", "users:\n  - {email: a@b.c, role: admin}\n", "password_hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse() error = %v; want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	f, err := Parse(nil)
	if err != nil || len(f.Users)+len(f.Displays)+len(f.Integrations) != 0 {
		t.Fatalf("Parse(nil) = %+v, %v; want an empty file", f, err)
	}
}

func TestRedactedHidesEverySecret(t *testing.T) {
	f, err := Load("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(f.Redacted())
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, in := range f.Integrations {
		secrets = append(secrets, in.Secrets...)
	}
	for _, u := range f.Users {
		secrets = append(secrets, u.PasswordHash)
	}
	for _, d := range f.Displays {
		secrets = append(secrets, d.Token)
	}
	for _, s := range secrets {
		if strings.Contains(string(out), s) {
			t.Errorf("redacted configuration shows %q:\n%s", s, out)
		}
	}
	if !strings.Contains(string(out), "it_w700002") || f.Users[0].PasswordHash == "(redacted)" {
		t.Errorf("Redacted lost non-secret data or changed the original:\n%s", out)
	}
}

func TestPasswordHash(t *testing.T) {
	h1, h2 := HashPassword("correct horse"), HashPassword("correct horse")
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	p, err := ParsePasswordHash(h1)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Matches("correct horse") {
		t.Error("the password does not match its own hash")
	}
	for _, wrong := range []string{"", "correct hors", "correct horse ", "Correct horse"} {
		if p.Matches(wrong) {
			t.Errorf("%q matches the hash of %q", wrong, "correct horse")
		}
	}
}

func TestSQSIntegrationNeedsNoSecrets(t *testing.T) {
	f, err := Parse([]byte("integrations:\n  - id: sqs001\n    company: it_w1\n    sqs_queue_url: https://sqs.eu-west-1.amazonaws.com/1/q\n"))
	if err != nil {
		t.Fatalf("an SQS integration may rely on the AWS key: %v", err)
	}
	if f.Integrations[0].SQSQueueURL == "" {
		t.Fatal("sqs_queue_url not read")
	}
	if _, err := Parse([]byte("integrations:\n  - id: wh001\n    company: it_w1\n")); err == nil {
		t.Fatal("a webhook integration without secrets was accepted")
	}
}

func TestTimezonesAndLimits(t *testing.T) {
	f, err := Parse([]byte(`integrations:
  - {id: a1, company: it_w1, secrets: [s], timezone: Europe/Rome}
  - {id: a2, company: it_w1, secrets: [s], timezone: Europe/Rome}
  - {id: b1, company: it_w2, secrets: [s]}
limits: {users_per_company: 100, devices_per_user: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	locs := f.Locations()
	if len(locs) != 1 || locs["it_w1"] == nil || locs["it_w1"].String() != "Europe/Rome" {
		t.Errorf("Locations() = %v, want it_w1 in Europe/Rome only", locs)
	}
	if f.Limits.Users != 100 || f.Limits.Devices != 2 || f.Limits.Calls != 0 {
		t.Errorf("limits = %+v", f.Limits)
	}
	for _, bad := range []string{
		"integrations:\n  - {id: a1, company: it_w1, secrets: [s], timezone: Mars/Olympus}\n",
		"integrations:\n  - {id: a1, company: it_w1, secrets: [s], timezone: Europe/Rome}\n  - {id: a2, company: it_w1, secrets: [s], timezone: UTC}\n",
		"limits: {calls_per_company: -1}\n",
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}

func TestOIDCAllowsUsersWithoutPasswords(t *testing.T) {
	f, err := Parse([]byte(`public_url: https://board.example.test
password_login: false
oidc:
  issuer: http://127.0.0.1:5556/
  client_id: wallboard
  client_secret: s3cret
  groups:
    - {group: cc-supervisors, role: supervisor, company: it_w700001}
users:
  - {email: Boss@Example.test, role: admin}
`))
	if err != nil {
		t.Fatal(err)
	}
	if f.PasswordLoginOn() {
		t.Error("password_login: false reads as on")
	}
	if f.OIDC.Claim() != "groups" {
		t.Errorf("claim = %q, want the default groups", f.OIDC.Claim())
	}
	if got := f.Redacted().OIDC.ClientSecret; got == "s3cret" {
		t.Error("Redacted keeps the client secret")
	}
	if f.OIDC.ClientSecret != "s3cret" {
		t.Error("Redacted changed the original")
	}
}
