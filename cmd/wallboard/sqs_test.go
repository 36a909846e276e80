package main

import (
	"errors"
	"testing"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/sqsingress"
)

func TestSQSQueuesFromEnvironmentAndFile(t *testing.T) {
	cfg := settings{
		SQSQueueURLs:     []string{"https://sqs.eu-west-1.amazonaws.com/1/env-queue"},
		SQSSigningSecret: "env-key",
	}
	cfg.File = &config.File{Integrations: []config.Integration{
		{ID: "int001", Company: "it_w1", SQSQueueURL: "https://sqs.eu-west-1.amazonaws.com/1/q1", Secrets: []string{"k1"}},
		{ID: "int002", Company: "it_w2", SQSQueueURL: "https://sqs.eu-west-1.amazonaws.com/1/q2"},
		{ID: "int003", Company: "it_w3", Secrets: []string{"webhook-only"}},
	}}
	qs := sqsQueues(cfg)
	if len(qs) != 3 {
		t.Fatalf("queues = %+v, want the env queue and two integrations' queues", qs)
	}
	if qs[0].company != "" || string(qs[0].secrets[0]) != "env-key" {
		t.Errorf("env queue = %+v", qs[0])
	}
	if qs[1].company != "it_w1" || qs[1].integration != "int001" || string(qs[1].secrets[0]) != "k1" {
		t.Errorf("integration queue = %+v", qs[1])
	}
	if len(qs[2].secrets) != 0 {
		t.Errorf("an integration without secrets must default to the AWS key, got %q", qs[2].secrets)
	}
}

func TestSQSHandlerRejectsAnotherCompany(t *testing.T) {
	h := sqsHandler(nil, sqsQueue{url: "q", integration: "int001", company: "it_w1"})
	for _, body := range []string{
		`{"type":"presence:user","company":"it_w2","integrationId":"int001","data":{}}`,
		`{"type":"presence:user","company":"it_w1","integrationId":"int009","data":{}}`,
	} {
		if err := h(t.Context(), []byte(body)); !errors.Is(err, sqsingress.ErrRejected) {
			t.Errorf("%s: err = %v, want rejected", body, err)
		}
	}
}
