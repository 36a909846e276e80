// Starts local-aws-sqs, an SQS-compatible server, for the package's tests.
//
// Usage: node sqsserver.cjs PORT
//
// It prints "listening" once it accepts connections, and exits when its
// standard input closes, so that it never outlives the test that started it.
"use strict";

const { createSqsServer } = require("local-aws-sqs");

async function main() {
  const port = Number(process.argv[2]);
  const server = await createSqsServer({
    port,
    hostname: "127.0.0.1",
    emulateQueueCreationLifecycle: false,
  });
  process.stdout.write("listening\n");
  process.stdin.on("end", () => {
    server.close();
    process.exit(0);
  });
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
