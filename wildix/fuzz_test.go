package wildix_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/wildix"
)

// addFixtures seeds f with every body in testdata.
func addFixtures(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
}

func FuzzDecode(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"type":"call:live:progress","data":{"flows":[{"flowIndex":"9e99","talkTime":-1}]}}`))
	f.Add([]byte(`{"type":"presence:user","data":{"until":"2024-02-30T25:00:00Z","location":{"lat":1}}}`))
	f.Add([]byte(`{"id":"c","company":"x","type":"call:live:progress","time":9223372036854775807,"data":{"start":"9999-12-31T23:59:59Z","flows":[{"status":"RINGING"}]}}`))
	f.Add([]byte(`{"company":"x","type":"call:completed","time":1721811600,"data":{"id":"c","flows":[{"startTime":-9223372036854775808,"endTime":9223372036854775807,"waitTime":9223372036854775807}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := wildix.Decode(body)
		if err != nil {
			if !errors.Is(err, wildix.ErrNotObject) && !errors.Is(err, wildix.ErrNoType) {
				t.Fatalf("Decode error %v is not a documented sentinel", err)
			}
			return
		}
		if env.Type == "" {
			t.Fatal("Decode succeeded with an empty type")
		}
		events, err := wildix.Translate(env)
		if err != nil {
			if !errors.Is(err, wildix.ErrUnknownType) && !errors.Is(err, wildix.ErrBadData) {
				t.Fatalf("Translate error %v is not a documented sentinel", err)
			}
			if events != nil {
				t.Fatalf("Translate returned events %v with error %v", events, err)
			}
			return
		}
		if !wildix.Known(env.Type) {
			t.Fatalf("Translate accepted unknown type %q", env.Type)
		}
		b := board.New(board.Options{})
		for _, e := range events {
			if e.At.Location().String() != "UTC" {
				t.Fatalf("event time %v is not in UTC", e.At)
			}
			// Whatever times the body claims, the board takes the event
			// and still encodes.
			e.Received = time.Date(2024, 7, 24, 9, 0, 0, 0, time.UTC)
			b.Apply(e)
		}
		if _, err := b.MarshalBinary(); err != nil {
			t.Fatalf("the board cannot encode after %s: %v", env.Type, err)
		}
	})
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte("s3cret"), []byte(`{"type":"call:start"}`), uint(0))
	f.Add([]byte("k"), []byte{}, uint(3))
	f.Fuzz(func(t *testing.T, secret, body []byte, flip uint) {
		if len(secret) == 0 {
			return // an empty secret is never accepted; TestVerify covers it
		}
		secrets := [][]byte{secret}
		if !wildix.Verify(body, wildix.Sign(secret, body), secrets) {
			t.Fatal("Verify rejected its own signature")
		}
		if len(body) == 0 {
			return
		}
		tampered := append([]byte(nil), body...)
		tampered[flip%uint(len(tampered))] ^= 0x01
		if wildix.Verify(tampered, wildix.Sign(secret, body), secrets) {
			t.Fatal("Verify accepted a body with a flipped bit")
		}
	})
}
