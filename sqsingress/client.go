package sqsingress

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// NewClient returns an SQS client configured the way the AWS CLI is: from
// the AWS_* environment variables (AWS_REGION, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_PROFILE, AWS_ENDPOINT_URL_SQS, …), the shared
// config and credentials files, and the instance role. A non-empty endpoint
// (an http or https URL) overrides the endpoint those resolve, for an
// SQS-compatible server or a VPC endpoint.
//
// It also returns the credentials it resolved, because Wildix signs SQS
// messages with the secret access key entered in the integration, which is
// the default signing secret. When creds.CanExpire is true the credentials
// are temporary (a role, SSO) and their secret is not a key Wildix could
// hold: configure the signing secret explicitly then.
//
// A client holds one region: the queues it consumes must be in that region.
func NewClient(ctx context.Context, endpoint string) (client *sqs.Client, creds aws.Credentials, err error) {
	var optFns []func(*sqs.Options)
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, aws.Credentials{}, fmt.Errorf("the SQS endpoint %q is not an http or https URL", endpoint)
		}
		optFns = append(optFns, func(o *sqs.Options) { o.BaseEndpoint = aws.String(endpoint) })
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, aws.Credentials{}, fmt.Errorf("load the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, aws.Credentials{}, errors.New("no AWS region is configured: set AWS_REGION, or region in the AWS profile")
	}
	creds, err = cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, aws.Credentials{}, fmt.Errorf("retrieve AWS credentials: %w", err)
	}
	return sqs.NewFromConfig(cfg, optFns...), creds, nil
}
