package sqsingress_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/wallboard/wallboard/sqsingress"
	"github.com/wallboard/wallboard/wildix"
)

// The tests run against local-aws-sqs, an SQS-compatible server installed
// by the repository's npm devDependencies, started by testdata/sqsserver.cjs.

// startupTimeout bounds how long the SQS server may take to start.
const startupTimeout = 15 * time.Second

// sqsServer is a running local-aws-sqs.
type sqsServer struct {
	port  int
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// endpoint is the server's base URL.
func (s *sqsServer) endpoint() string {
	return "http://127.0.0.1:" + strconv.Itoa(s.port)
}

// mustStartSQS starts an SQS server on a free loopback port, stopped when
// the test ends. It skips the test if node or local-aws-sqs is missing.
func mustStartSQS(tb testing.TB) *sqsServer {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		tb.Fatalf("free the port: %v", err)
	}
	return mustStartSQSOn(tb, port)
}

// mustStartSQSOn starts an SQS server on port, stopped when the test ends.
func mustStartSQSOn(tb testing.TB, port int) *sqsServer {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		tb.Skip("node is not installed; it runs the SQS-compatible test server")
	}
	if _, err := os.Stat(filepath.Join("..", "node_modules", "local-aws-sqs", "package.json")); err != nil {
		tb.Skip("local-aws-sqs is not installed: run npm install in the repository root")
	}
	cmd := exec.Command(node, filepath.Join("testdata", "sqsserver.cjs"), strconv.Itoa(port))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start the SQS server: %v", err)
	}
	s := &sqsServer{port: port, cmd: cmd, stdin: stdin}
	tb.Cleanup(s.stop)

	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == "listening" {
				ready <- nil
				_, _ = io.Copy(io.Discard, stdout)
				return
			}
		}
		ready <- errors.New("the SQS server exited before listening")
	}()
	select {
	case err := <-ready:
		if err != nil {
			tb.Fatal(err)
		}
	case <-time.After(startupTimeout):
		tb.Fatalf("the SQS server did not start within %v", startupTimeout)
	}
	return s
}

// stop ends the server (it exits when its stdin closes) and waits for it.
// It may be called more than once.
func (s *sqsServer) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.stdin.Close()
	done := make(chan struct{})
	go func() {
		_ = s.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// newTestClient returns a client of the server with fake credentials and
// without the SDK's retries, so that the consumer's own back-off is what
// the tests see.
func newTestClient(endpoint string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDWALLBOARDTEST", testSecret, ""),
		BaseEndpoint:     aws.String(endpoint),
		RetryMaxAttempts: 1,
	})
}

// testSecret is the fake AWS secret access key, and the signing secret.
const testSecret = "wallboard-test-secret-access-key"

// mustCreateQueue creates a queue named name and returns its URL.
func mustCreateQueue(tb testing.TB, client *sqs.Client, name string) string {
	tb.Helper()
	out, err := client.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		tb.Fatalf("create queue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

// mustSend queues body with the given X-SIGNATURE, or none if sig is "".
func mustSend(tb testing.TB, client *sqs.Client, queueURL, body, sig string) {
	tb.Helper()
	in := &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(body)}
	if sig != "" {
		in.MessageAttributes = map[string]types.MessageAttributeValue{
			sqsingress.SignatureAttribute: {DataType: aws.String("String"), StringValue: aws.String(sig)},
		}
	}
	if _, err := client.SendMessage(context.Background(), in); err != nil {
		tb.Fatalf("send a message: %v", err)
	}
}

// mustSendSigned queues body signed with testSecret.
func mustSendSigned(tb testing.TB, client *sqs.Client, queueURL, body string) {
	tb.Helper()
	mustSend(tb, client, queueURL, body, wildix.Sign([]byte(testSecret), []byte(body)))
}

// queueDepth returns how many messages are in the queue, visible or not.
func queueDepth(tb testing.TB, client *sqs.Client, queueURL string) (visible, hidden int) {
	tb.Helper()
	out, err := client.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(queueURL),
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		tb.Fatalf("get the queue's attributes: %v", err)
	}
	atoi := func(name types.QueueAttributeName) int {
		n, err := strconv.Atoi(out.Attributes[string(name)])
		if err != nil {
			tb.Fatalf("attribute %s = %q: %v", name, out.Attributes[string(name)], err)
		}
		return n
	}
	return atoi(types.QueueAttributeNameApproximateNumberOfMessages), atoi(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
}

// waitTimeout bounds every wait for the consumer to do something.
const waitTimeout = 15 * time.Second

// waitFor polls cond until it holds, failing the test after waitTimeout.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting until %s", waitTimeout, what)
		}
		<-tick.C
	}
}

// waitEmpty waits until the queue holds no message at all.
func waitEmpty(tb testing.TB, client *sqs.Client, queueURL string) {
	tb.Helper()
	waitFor(tb, "the queue is empty", func() bool {
		v, h := queueDepth(tb, client, queueURL)
		return v == 0 && h == 0
	})
}

// mustRun runs c until the test ends. Calling cancel starts the shutdown;
// wait waits for Run to return and checks that it returned nil.
func mustRun(tb testing.TB, c *sqsingress.Consumer) (cancel context.CancelFunc, wait func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	wait = func() {
		once.Do(func() {
			select {
			case err := <-done:
				if err != nil {
					tb.Errorf("Run returned %v, want nil", err)
				}
			case <-time.After(waitTimeout):
				tb.Errorf("Run did not return within %v of its context being cancelled", waitTimeout)
			}
		})
	}
	tb.Cleanup(func() {
		cancel()
		wait()
	})
	return cancel, wait
}

// event returns a distinct, valid-looking Wildix event body.
func event(n int) string {
	return fmt.Sprintf(`{"id":"wb-test-%d","pbx":"testpbx","time":%d,"company":"testco","type":"presence:user","integrationId":"itest1","data":{"user":"%d","status":"available"}}`, n, 1700000000000+n, 100+n)
}
