package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// OIDC lets people sign in with their company's identity provider (Google
// Workspace, Microsoft Entra ID, Keycloak, …) by OpenID Connect's
// authorization code flow. The wallboard is registered at the provider as a
// confidential web client whose redirect URI is the public URL followed by
// /login/oidc/callback.
//
// Whoever signs in is let in as the entry of Users with their email, if
// there is one (its role, company and language), else as the first entry of
// Groups whose group is among the ID token's GroupsClaim; anyone else is
// refused.
type OIDC struct {
	// Issuer is the provider's issuer URL, as its
	// /.well-known/openid-configuration names it, e.g.
	// https://accounts.google.com or
	// https://login.microsoftonline.com/<tenant>/v2.0.
	Issuer   string `yaml:"issuer"`
	ClientID string `yaml:"client_id"`
	// ClientSecret, or ClientSecretFile holding it (Load reads it).
	ClientSecret     string `yaml:"client_secret,omitempty"`
	ClientSecretFile string `yaml:"client_secret_file,omitempty"`
	// Name is the provider's name on the login page's button ("Sign in
	// with Google"); empty: "single sign-on".
	Name string `yaml:"name,omitempty"`
	// Scopes are asked for beside openid, email and profile, e.g. groups
	// when the provider sends the groups claim only for that scope.
	Scopes []string `yaml:"scopes,omitempty"`
	// GroupsClaim names the ID token claim that lists the person's groups
	// or roles (a string or a list of strings); empty: "groups". Entra ID
	// sends group object IDs in "groups", or app roles in "roles".
	GroupsClaim string `yaml:"groups_claim,omitempty"`
	// Groups map a group of the claim to what its members see.
	Groups []GroupRole `yaml:"groups,omitempty"`
}

// GroupRole lets the members of a provider group in with a role and, except
// for admins, a company.
type GroupRole struct {
	Group   string `yaml:"group"`
	Role    Role   `yaml:"role"`
	Company string `yaml:"company,omitempty"`
	// Lang is the language of their pages (en, it, de, fr, es); empty: the
	// lang= query or the browser's Accept-Language.
	Lang string `yaml:"lang,omitempty"`
}

// Claim is the groups claim's name.
func (o *OIDC) Claim() string {
	if o.GroupsClaim == "" {
		return "groups"
	}
	return o.GroupsClaim
}

// PasswordLoginOn reports whether people may log in with a password from
// Users (password_login, true unless set false).
func (f *File) PasswordLoginOn() bool { return f.PasswordLogin == nil || *f.PasswordLogin }

// readOIDCSecret reads o's client_secret_file into ClientSecret.
func readOIDCSecret(o *OIDC) error {
	if o == nil || o.ClientSecretFile == "" {
		return nil
	}
	if o.ClientSecret != "" {
		return fmt.Errorf("oidc: set client_secret or client_secret_file, not both")
	}
	b, err := os.ReadFile(o.ClientSecretFile)
	if err != nil {
		return fmt.Errorf("oidc: %w", err)
	}
	o.ClientSecret = strings.TrimSpace(string(b))
	return nil
}

// validateOIDC reports the problems of the oidc section and of how it fits
// the rest of f.
func (f *File) validateOIDC(bad func(format string, args ...any)) {
	o := f.OIDC
	if o == nil {
		if !f.PasswordLoginOn() {
			bad("password_login: false leaves nobody a way to log in: configure oidc as well")
		}
		return
	}
	if u, err := url.Parse(o.Issuer); err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" ||
		(u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
		bad("oidc: issuer %q is not an https URL such as https://accounts.google.com (http only on this machine's loopback)", o.Issuer)
	}
	if o.ClientID == "" {
		bad("oidc: client_id is missing")
	}
	if o.ClientSecret == "" {
		bad("oidc: client_secret (or client_secret_file) is missing: register the wallboard as a confidential web client")
	}
	if f.PublicURL == "" {
		bad("oidc: public_url is required: the provider sends people back to <public_url>/login/oidc/callback")
	}
	for _, s := range o.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			bad("oidc: scope %q must be one word", s)
		}
	}
	seen := map[string]bool{}
	for i, g := range o.Groups {
		name := fmt.Sprintf("oidc.groups[%d] (%s)", i, g.Group)
		if g.Group == "" {
			bad("oidc.groups[%d]: group is missing", i)
		} else if seen[g.Group] {
			bad("%s: appears twice", name)
		}
		seen[g.Group] = true
		switch g.Role {
		case RoleAdmin:
		case RoleSupervisor, RoleAgent:
			if g.Company == "" {
				bad("%s: company is missing; only admins may see every company", name)
			}
		default:
			bad("%s: role %q is not admin, supervisor or agent", name, g.Role)
		}
	}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
