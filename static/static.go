// Package static serves the front end's built assets (the Tailwind build and
// the client script), embedded in the binary, under content-hashed URLs.
//
// The files in dist are built by `npm run build` and committed, so that a
// fresh clone runs without Node; a test checks they are up to date.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed dist
var dist embed.FS

// Prefix is the URL path under which Handler serves the assets.
const Prefix = "/static/"

// asset is one embedded file and its hashed name.
type asset struct {
	name   string // e.g. "app.css"
	hashed string // e.g. "app.3f9c2a1b.css"
	body   []byte
	ctype  string
}

// byName and byHashed index the embedded files by plain and hashed name.
// They are computed once, at init, from the read-only embedded files and
// never change afterwards.
var byName, byHashed = index()

func index() (map[string]*asset, map[string]*asset) {
	names, hashed := map[string]*asset{}, map[string]*asset{}
	entries, err := fs.ReadDir(dist, "dist")
	if err != nil {
		panic("static: embedded dist missing: " + err.Error()) // a build error, not a runtime one
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(dist, "dist/"+e.Name())
		if err != nil {
			panic("static: read embedded " + e.Name() + ": " + err.Error())
		}
		a := &asset{name: e.Name(), hashed: hashedName(e.Name(), body), body: body, ctype: contentType(e.Name())}
		names[a.name], hashed[a.hashed] = a, a
	}
	return names, hashed
}

// hashedName inserts the first 8 hex digits of the SHA-256 of body before
// the extension: "app.css" becomes "app.3f9c2a1b.css".
func hashedName(name string, body []byte) string {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Path returns the URL of the embedded asset name (e.g. "app.css"), with a
// hash of its content in the file name so that it can be cached forever:
// "/static/app.3f9c2a1b.css". It panics when no such asset is embedded, a
// programming error that every page render would hit at once.
func Path(name string) string {
	a, ok := byName[name]
	if !ok {
		panic("static: no embedded asset " + name)
	}
	return Prefix + a.hashed
}

// Handler serves the assets under Prefix. A hashed URL (as returned by
// Path) is served as immutable, cacheable for a year; an asset's plain name
// is served too, with Cache-Control: no-cache; anything else is 404. Only
// GET and HEAD are allowed.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, Prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		cache := "public, max-age=31536000, immutable"
		a, ok := byHashed[name]
		if !ok {
			if a, ok = byName[name]; !ok {
				http.NotFound(w, r)
				return
			}
			cache = "no-cache"
		}
		w.Header().Set("Content-Type", a.ctype)
		w.Header().Set("Cache-Control", cache)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("ETag", `"`+a.hashed+`"`)
		// ServeContent answers conditional and range requests; a zero
		// modification time leaves Last-Modified out (the ETag stands in).
		http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.body))
	})
}
