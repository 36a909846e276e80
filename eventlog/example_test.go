package eventlog_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/wallboard/wallboard/eventlog"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "eventlog-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	l, err := eventlog.Open(ctx, eventlog.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	// The ingress appends each verified webhook body; a retried webhook
	// carries the same body, hence the same ID, and is not stored again.
	for _, body := range []string{`{"type":"call:start"}`, `{"type":"call:end"}`, `{"type":"call:start"}`} {
		sum := sha256.Sum256([]byte(body))
		seq, dup, err := l.Append(ctx, eventlog.Message{ID: hex.EncodeToString(sum[:]), Body: []byte(body)})
		if err != nil {
			log.Fatal(err) // an ingress would answer 503
		}
		fmt.Println("append", seq, dup)
	}

	// Every node applies the log in order. This one stops when caught up.
	last, err := l.LastSeq(ctx)
	if err != nil {
		log.Fatal(err)
	}
	caughtUp := errors.New("caught up")
	err = l.Consume(ctx, 0, func(e eventlog.Entry) error {
		fmt.Println("apply", e.Seq, string(e.Body))
		if e.Seq == last {
			return caughtUp
		}
		return nil
	})
	if !errors.Is(err, caughtUp) {
		log.Fatal(err)
	}
	// Output:
	// append 1 false
	// append 2 false
	// append 1 true
	// apply 1 {"type":"call:start"}
	// apply 2 {"type":"call:end"}
}
