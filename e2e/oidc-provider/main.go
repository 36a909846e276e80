// Command oidc-provider is a real OpenID provider for the wallboard's tests:
// zitadel/oidc's OpenID Certified provider library with its example
// in-memory storage, serving static users on loopback. It is built from its
// own module so that the wallboard does not depend on it.
//
//	oidc-provider -users users.json -client-id wallboard -client-secret s \
//	    -redirect 'http://127.0.0.1:*/login/oidc/callback'
//
// It listens on -addr (default: a free loopback port) and prints
// "issuer <URL>" on its first line of output once it serves. The users file
// is a JSON list of {id, username, password, email, email_verified, groups}.
//
// For testing how a relying party refuses bad tokens, POST /test/mode with a
// body of "normal", "expired" (ID tokens that expired a minute before they
// were issued) or "tampered" (the ID token's payload altered after
// signing, its signature kept) changes what the token endpoint answers.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// user is an entry of the users file.
type user struct {
	ID            string   `json:"id"`
	Username      string   `json:"username"`
	Password      string   `json:"password"`
	Email         string   `json:"email"`
	EmailVerified bool     `json:"email_verified"`
	Groups        []string `json:"groups"`
}

// users is the provider's user store.
type users map[string]user

func (u users) GetUserByID(id string) *storage.User {
	if x, ok := u[id]; ok {
		return x.storageUser()
	}
	return nil
}

func (u users) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x.storageUser()
		}
	}
	return nil
}

func (users) ExampleClientID() string { return storage.ServiceUserID }

func (x user) storageUser() *storage.User {
	return &storage.User{ID: x.ID, Username: x.Username, Password: x.Password, Email: x.Email,
		EmailVerified: x.EmailVerified, FirstName: x.Username, LastName: "Test", PreferredLanguage: language.English}
}

// mode is what the token endpoint answers: "normal", "expired" or
// "tampered".
var mode atomic.Value

// store adds the users' groups to their claims, and what mode asks for to
// the clients.
type store struct {
	*storage.Storage
	users users
	globs []string
}

func (s *store) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, tr op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, tr, scopes); err != nil {
		return err
	}
	s.addGroups(ui, tr.GetSubject())
	return nil
}

func (s *store) SetUserinfoFromToken(ctx context.Context, ui *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, ui, tokenID, subject, origin); err != nil {
		return err
	}
	s.addGroups(ui, ui.Subject)
	return nil
}

func (s *store) addGroups(ui *oidc.UserInfo, subject string) {
	if u, ok := s.users[subject]; ok && len(u.Groups) > 0 {
		ui.AppendClaims("groups", u.Groups)
	}
}

func (s *store) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return client{Client: c, globs: s.globs}, nil
}

// client is a registered client whose ID tokens carry the user's claims
// (as Google's, Keycloak's and Entra ID's do), with the redirect URI
// patterns of -redirect.
type client struct {
	op.Client
	globs []string
}

func (c client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c client) RedirectURIGlobs() []string           { return c.globs }
func (c client) PostLogoutRedirectURIGlobs() []string { return nil }

func (c client) IDTokenLifetime() time.Duration {
	if mode.Load() == "expired" {
		return -time.Minute
	}
	return c.Client.IDTokenLifetime()
}

// tamper alters the payload of the ID tokens the token endpoint answers,
// in "tampered" mode.
func tamper(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/token" || mode.Load() != "tampered" {
			next.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		body := rec.body.Bytes()
		var answer map[string]any
		if json.Unmarshal(body, &answer) == nil {
			if idt, ok := answer["id_token"].(string); ok {
				if parts := strings.Split(idt, "."); len(parts) == 3 {
					payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
					payload = bytes.Replace(payload, []byte(`"email":"`), []byte(`"email":"x`), 1)
					parts[1] = base64.RawURLEncoding.EncodeToString(payload)
					answer["id_token"] = strings.Join(parts, ".")
					body, _ = json.Marshal(answer)
				}
			}
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.status)
		w.Write(body)
	})
}

type recorder struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	usersFile := flag.String("users", "", "JSON list of users")
	clientID := flag.String("client-id", "wallboard", "the relying party's client ID")
	clientSecret := flag.String("client-secret", "", "the relying party's client secret")
	redirect := flag.String("redirect", "http://127.0.0.1:*/login/oidc/callback", "comma-separated redirect URI patterns (path.Match)")
	flag.Parse()
	if err := run(*addr, *usersFile, *clientID, *clientSecret, strings.Split(*redirect, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "oidc-provider:", err)
		os.Exit(1)
	}
}

func run(addr, usersFile, clientID, clientSecret string, globs []string) error {
	if clientSecret == "" {
		return errors.New("-client-secret is required")
	}
	data, err := os.ReadFile(usersFile)
	if err != nil {
		return err
	}
	var list []user
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("%s: %w", usersFile, err)
	}
	us := users{}
	for _, u := range list {
		us[u.ID] = u
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	issuer := "http://" + ln.Addr().String() + "/"
	mode.Store("normal")

	// The example's storage keeps registered clients in a package
	// variable; the exact redirect URIs are replaced by globs (client).
	storage.RegisterClients(storage.WebClient(clientID, clientSecret, "http://127.0.0.1/unused"))
	st := &store{Storage: storage.NewStorage(us), users: us, globs: globs}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	router := exampleop.SetupServer(issuer, st, logger, false)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /test/mode", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 64))
		switch m := strings.TrimSpace(string(b)); m {
		case "normal", "expired", "tampered":
			mode.Store(m)
			fmt.Fprintln(w, m)
		default:
			http.Error(w, "mode is normal, expired or tampered", http.StatusBadRequest)
		}
	})
	mux.Handle("/", tamper(router))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Println("issuer", issuer)
	return srv.Serve(ln)
}
