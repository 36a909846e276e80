import { execFileSync, ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { binaryPath, company, secret, startWallboard, stopProcess } from './support';

export const password = 'e2e-passw0rd-9f3b';
export const supervisor = 'sue@example.test';
export const agent = 'ann@example.test';
export const admin = 'root@example.test';
export const displayToken = randomBytes(24).toString('hex');
export const apiToken = randomBytes(16).toString('hex');
export const integration = 'e2e001';

/** The output of `wallboard hash-password` for pw. */
export function hashPassword(pw: string): string {
  return execFileSync(binaryPath, ['hash-password'], { input: pw + '\n' }).toString().trim();
}

/**
 * A wallboard started with a configuration file (users, a display link, an
 * integration bound to the test company) and an API token, on a fixed port
 * and data directory, restartable.
 */
export class SecureWallboard {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'wallboard-auth-e2e-'));
  readonly configPath = path.join(this.dir, 'wallboard.yaml');
  private proc?: ChildProcess;

  constructor(readonly port: number) {
    const hash = hashPassword(password);
    const csv = path.join(this.dir, 'users.csv');
    writeFileSync(csv, 'Name;Extension;Email;Group;Department\nCy Csv;4091;4091@example.test;Support;Floor\n');
    writeFileSync(
      this.configPath,
      [
        'integrations:',
        `  - {id: ${integration}, company: ${company}, secrets: ["${secret}"]}`,
        'users:',
        `  - {email: ${supervisor}, role: supervisor, company: ${company}, password_hash: "${hash}"}`,
        `  - {email: ${agent}, role: agent, company: ${company}, password_hash: "${hash}"}`,
        `  - {email: ${admin}, role: admin, password_hash: "${hash}"}`,
        'displays:',
        `  - {name: Floor 2, token: ${displayToken}, company: ${company}}`,
        'directory:',
        `  - {extension: "4090", name: Dana Directory, group: Sales}`,
        `directory_csv: ${csv}`,
        '',
      ].join('\n'),
    );
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  args(...extra: string[]) {
    return ['-addr', `127.0.0.1:${this.port}`, '-data-dir', path.join(this.dir, 'data'), '-config', this.configPath, ...extra];
  }

  env() {
    return { ...process.env, WALLBOARD_API_TOKEN: apiToken };
  }

  async start() {
    this.proc = await startWallboard(this.url, this.args(), this.env());
  }

  async stop() {
    await stopProcess(this.proc);
  }

  /** Posts a webhook signed with the integration's secret; resolves with the status. */
  async post(body: object): Promise<number> {
    const raw = JSON.stringify(body);
    const res = await fetch(`${this.url}/webhooks/wildix`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': createHmac('sha256', secret).update(raw).digest('hex') },
      body: raw,
    });
    return res.status;
  }
}
