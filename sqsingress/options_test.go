package sqsingress_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/sqsingress"
)

func TestNewRejectsInvalidOptions(t *testing.T) {
	t.Parallel()
	valid := func() sqsingress.Options {
		return sqsingress.Options{
			QueueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/wildix",
			Client:   newTestClient("http://127.0.0.1:1"),
			Secrets:  [][]byte{[]byte("secret")},
		}
	}
	handler := func(context.Context, []byte) error { return nil }
	tests := []struct {
		name   string
		modify func(*sqsingress.Options)
		want   string
	}{
		{"no queue URL", func(o *sqsingress.Options) { o.QueueURL = "" }, "queue URL"},
		{"no client", func(o *sqsingress.Options) { o.Client = nil }, "client"},
		{"no secret", func(o *sqsingress.Options) { o.Secrets = nil }, "secret"},
		{"an empty secret", func(o *sqsingress.Options) { o.Secrets = append(o.Secrets, nil) }, "secret 2 is empty"},
		{"a wait over 20 s", func(o *sqsingress.Options) { o.WaitTime = 21 * time.Second }, "wait time"},
		{"a fractional wait", func(o *sqsingress.Options) { o.WaitTime = 1500 * time.Millisecond }, "wait time"},
		{"a negative wait", func(o *sqsingress.Options) { o.WaitTime = -time.Second }, "wait time"},
		{"a sub-second visibility timeout", func(o *sqsingress.Options) { o.VisibilityTimeout = 500 * time.Millisecond }, "visibility timeout"},
		{"a visibility timeout over 12 h", func(o *sqsingress.Options) { o.VisibilityTimeout = 13 * time.Hour }, "visibility timeout"},
		{"a negative back-off", func(o *sqsingress.Options) { o.MaxBackoff = -time.Second }, "back-off"},
		{"a negative drain timeout", func(o *sqsingress.Options) { o.DrainTimeout = -time.Second }, "drain timeout"},
		{"a negative unready delay", func(o *sqsingress.Options) { o.UnreadyAfter = -time.Second }, "unready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := valid()
			tt.modify(&opts)
			c, err := sqsingress.New(opts, handler)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() = %v, %v; want an error mentioning %q", c, err, tt.want)
			}
		})
	}

	if _, err := sqsingress.New(valid(), nil); err == nil {
		t.Error("New with a nil handler succeeded")
	}
	c, err := sqsingress.New(valid(), handler)
	if err != nil {
		t.Fatalf("New(valid options) = %v", err)
	}
	if err := c.Ready(); err == nil {
		t.Error("Ready() = nil before Run")
	}
}
