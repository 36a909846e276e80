package sqsingress_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/wallboard/wallboard/sqsingress"
)

// setFakeAWSEnv configures the AWS SDK through the environment only, with
// fake credentials, isolated from the machine's AWS files and instance role.
func setFakeAWSEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDWALLBOARDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_SQS", "")
}

func TestNewClient(t *testing.T) {
	srv := mustStartSQS(t)
	unreachable := "http://127.0.0.1:1"

	tests := []struct {
		name        string
		envEndpoint string // AWS_ENDPOINT_URL_SQS
		endpoint    string // the override argument
	}{
		{"the standard AWS_ENDPOINT_URL_SQS", srv.endpoint(), ""},
		{"the endpoint argument, over AWS_ENDPOINT_URL_SQS", unreachable, srv.endpoint()},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setFakeAWSEnv(t)
			t.Setenv("AWS_ENDPOINT_URL_SQS", tt.envEndpoint)
			client, creds, err := sqsingress.NewClient(context.Background(), tt.endpoint)
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			if creds.SecretAccessKey != testSecret {
				t.Errorf("NewClient returned the secret access key %q, want %q", creds.SecretAccessKey, testSecret)
			}
			if creds.CanExpire {
				t.Error("static credentials are reported as expiring")
			}
			name := fmt.Sprintf("client-%d", i)
			if _, err := client.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)}); err != nil {
				t.Fatalf("CreateQueue through the client: %v", err)
			}
		})
	}
}

func TestNewClientRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		endpoint string
		want     string
	}{
		{"an endpoint without a scheme", nil, "127.0.0.1:9324", "not an http or https URL"},
		{"an endpoint with another scheme", nil, "ftp://127.0.0.1:9324", "not an http or https URL"},
		{"no region", map[string]string{"AWS_REGION": "", "AWS_DEFAULT_REGION": ""}, "", "region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setFakeAWSEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, _, err := sqsingress.NewClient(context.Background(), tt.endpoint)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewClient(%q) error = %v, want one mentioning %q", tt.endpoint, err, tt.want)
			}
		})
	}
}
