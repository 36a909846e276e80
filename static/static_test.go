package static

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

func TestPathIsContentHashed(t *testing.T) {
	for _, name := range []string{"app.css", "app.js"} {
		body, err := os.ReadFile(filepath.Join("dist", name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		ext := filepath.Ext(name)
		want := "/static/" + name[:len(name)-len(ext)] + "." + hex.EncodeToString(sum[:4]) + ext
		if got := Path(name); got != want {
			t.Errorf("Path(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestPathPanicsOnUnknownAsset(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Path(missing.css) did not panic")
		}
	}()
	Path("missing.css")
}

func TestHandler(t *testing.T) {
	css, err := os.ReadFile("dist/app.css")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path string
		status             int
		ctype, cache       string
		body               []byte
	}{
		{"hashed css", http.MethodGet, Path("app.css"), 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", css},
		{"hashed js", http.MethodGet, Path("app.js"), 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", nil},
		{"plain name", http.MethodGet, "/static/app.css", 200, "text/css; charset=utf-8", "no-cache", css},
		{"head", http.MethodHead, Path("app.css"), 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", nil},
		{"stale hash", http.MethodGet, "/static/app.00000000.css", 404, "", "", nil},
		{"unknown", http.MethodGet, "/static/secret.txt", 404, "", "", nil},
		{"directory", http.MethodGet, "/static/", 404, "", "", nil},
		{"traversal", http.MethodGet, "/static/../static.go", 404, "", "", nil},
		{"outside prefix", http.MethodGet, "/app.css", 404, "", "", nil},
		{"post", http.MethodPost, Path("app.css"), 405, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			res := rec.Result()
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if tt.ctype != "" && res.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", res.Header.Get("Content-Type"), tt.ctype)
			}
			if tt.cache != "" && res.Header.Get("Cache-Control") != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", res.Header.Get("Cache-Control"), tt.cache)
			}
			body, _ := io.ReadAll(res.Body)
			if tt.body != nil && !bytes.Equal(body, tt.body) {
				t.Errorf("body differs from dist (%d bytes, want %d)", len(body), len(tt.body))
			}
			if tt.method == http.MethodHead && len(body) != 0 {
				t.Errorf("HEAD returned a %d-byte body", len(body))
			}
		})
	}
}

func TestHandlerRevalidates(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/app.js", nil))
	etag := rec.Result().Header.Get("ETag")
	if !regexp.MustCompile(`^"app\.[0-9a-f]{8}\.js"$`).MatchString(etag) {
		t.Fatalf("ETag = %q, want the hashed name", etag)
	}
	req := httptest.NewRequest(http.MethodGet, "/static/app.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("conditional GET status = %d, want 304", rec.Code)
	}
}

// TestDistUpToDate checks that the committed build output matches its
// sources: dist/app.js is what the pinned esbuild bundles from src/app.js
// and its modules, and dist/app.css is what the pinned Tailwind CLI builds
// from src/app.css and the templates today.
func TestDistUpToDate(t *testing.T) {
	for _, tt := range []struct {
		name, tool string
		args       []string
	}{
		{"app.js", "esbuild", []string{"src/app.js", "--bundle", "--format=esm", "--target=es2022", "--minify", "--legal-comments=none", "--log-level=warning"}},
		{"app.css", "tailwindcss", []string{"-i", "src/app.css", "--minify"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cli, err := filepath.Abs("../node_modules/.bin/" + tt.tool)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(cli); err != nil {
				t.Skipf("%s not installed (run npm ci at the repository root): cannot check dist/%s", tt.tool, tt.name)
			}
			out := filepath.Join(t.TempDir(), tt.name)
			flag := "--outfile=" + out
			if tt.tool == "tailwindcss" {
				flag = "-o=" + out
			}
			cmd := exec.CommandContext(t.Context(), cli, append(tt.args, flag)...)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", tt.tool, err, msg)
			}
			built, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			committed, err := os.ReadFile(filepath.Join("dist", tt.name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(built, committed) {
				t.Errorf("dist/%s is out of date (built %d bytes, committed %d): run npm run build", tt.name, len(built), len(committed))
			}
		})
	}
}
