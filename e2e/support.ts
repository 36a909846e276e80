import type { Page, TestInfo } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';

export const repoRoot = path.resolve(__dirname, '..');
export const binaryPath = path.join(repoRoot, 'e2e', '.bin', 'wallboard');
export const secret = 'e2e-secret-4f1c9a';
export const company = 'it_w555001';

/**
 * shoot saves a screenshot of page as a test artifact named name; with
 * UPDATE_SCREENSHOTS=1 (npm run screenshots) and readme set, it also
 * replaces the README's image in docs/screenshots/.
 */
export async function shoot(page: Page, testInfo: TestInfo, name: string, readme = false) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  if (readme && process.env.UPDATE_SCREENSHOTS) {
    const dir = path.join(repoRoot, 'docs', 'screenshots');
    mkdirSync(dir, { recursive: true });
    copyFileSync(file, path.join(dir, `${name}.png`));
  }
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * startWallboard runs the wallboard binary with args (and env) and resolves
 * once url answers /readyz.
 */
export async function startWallboard(url: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const proc = spawn(binaryPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  proc.stdout?.on('data', () => {});
  proc.stderr?.on('data', (d) => process.stderr.write(d));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return proc;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('wallboard did not become ready');
}

/** stopProcess signals p, if it still runs, and resolves once it has exited. */
export async function stopProcess(p: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill(signal);
  await exited;
}

/** One wallboard process on a fixed port and data directory, restartable. */
export class Wallboard {
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'wallboard-e2e-'));
  private proc?: ChildProcess;
  constructor(readonly port: number) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.proc = await startWallboard(this.url, ['-addr', `127.0.0.1:${this.port}`, '-data-dir', this.dataDir, '-webhook-secret', secret]);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    await stopProcess(this.proc, signal);
  }

  /** Posts a signed webhook; resolves with the HTTP status. */
  async post(body: object | string): Promise<number> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const sig = createHmac('sha256', secret).update(raw).digest('hex');
    const res = await fetch(`${this.url}/webhooks/wildix`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': sig },
      body: raw,
    });
    return res.status;
  }
}

// Dated from 100 minutes ago, one second apart: the board believes an
// event's time up to its receipt.
let clock = Math.floor(Date.now() / 1000) * 1000 - 100 * 60_000;

/** presence:telephony for one extension, each call a little later than the last. */
export function telephony(extension: string, status: string, name?: string) {
  clock += 1000;
  return {
    id: `${company}_${clock}_${extension}`,
    pbx: '0000aa11bb22',
    company,
    time: clock,
    type: 'presence:telephony',
    integrationId: 'e2e001',
    data: { extension, email: `${extension}@example.test`, sourceId: '', status },
  };
}

/** presence:user for one extension. */
export function presence(extension: string, status: string, message: string) {
  clock += 1000;
  return {
    id: `${company}_${extension}`,
    pbx: '0000aa11bb22',
    company,
    time: clock,
    type: 'presence:user',
    integrationId: 'e2e001',
    data: { extension, email: `${extension}@example.test`, sourceId: '', status, until: '', message, location: { address: '', lat: '', lng: '' } },
  };
}
