import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { company, repoRoot, secret, startWallboard, stopProcess } from './support';

export const providerPath = path.join(repoRoot, 'e2e', '.bin', 'oidc-provider');
export const clientID = 'wallboard-e2e';
export const clientSecret = 'e2e-oidc-client-secret-7d2a';
export const supervisorGroup = 'contact-centre-supervisors';

/** The provider's users: a supervisor by group, an agent by email, a stranger. */
export const people = {
  sue: { id: 'u-sue', username: 'sue', password: 'idp-sue-pw', email: 'sue@corp.example.test', email_verified: true, groups: ['staff', supervisorGroup] },
  ann: { id: 'u-ann', username: 'ann', password: 'idp-ann-pw', email: 'ann@corp.example.test', email_verified: true, groups: ['staff'] },
  eve: { id: 'u-eve', username: 'eve', password: 'idp-eve-pw', email: 'eve@corp.example.test', email_verified: true, groups: ['staff'] },
};

/**
 * A real OpenID provider (e2e/oidc-provider: zitadel/oidc's provider
 * library) on a free loopback port.
 */
export class Provider {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'wallboard-oidc-e2e-'));
  private proc?: ChildProcess;
  issuer = '';

  async start() {
    const users = path.join(this.dir, 'users.json');
    writeFileSync(users, JSON.stringify(Object.values(people)));
    this.proc = spawn(providerPath, ['-users', users, '-client-id', clientID, '-client-secret', clientSecret], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stderr?.on('data', (d) => process.stderr.write(d));
    this.issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the OpenID provider did not start')), 20_000);
      this.proc!.stdout!.once('data', (d: Buffer) => {
        clearTimeout(timer);
        const m = /^issuer (\S+)/.exec(d.toString());
        m ? resolve(m[1]) : reject(new Error(`provider said ${d}`));
      });
    });
  }

  /** normal, expired or tampered: what the token endpoint answers. */
  async mode(m: 'normal' | 'expired' | 'tampered') {
    const res = await fetch(`${this.issuer}test/mode`, { method: 'POST', body: m });
    if (!res.ok) throw new Error(`mode ${m}: ${res.status}`);
  }

  async stop() {
    await stopProcess(this.proc);
  }
}

/** A wallboard whose people sign in with the provider. */
export class SSOWallboard {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'wallboard-sso-e2e-'));
  readonly configPath = path.join(this.dir, 'wallboard.yaml');
  private proc?: ChildProcess;

  constructor(readonly port: number, issuer: string) {
    writeFileSync(
      this.configPath,
      [
        `public_url: ${this.url}`,
        'password_login: false',
        'integrations:',
        `  - {id: e2e001, company: ${company}, secrets: ["${secret}"]}`,
        'oidc:',
        `  issuer: ${issuer}`,
        `  client_id: ${clientID}`,
        `  client_secret: ${clientSecret}`,
        '  name: Corp ID',
        '  groups:',
        `    - {group: ${supervisorGroup}, role: supervisor, company: ${company}}`,
        'users:',
        `  - {email: ${people.ann.email}, role: agent, company: ${company}}`,
        '',
      ].join('\n'),
    );
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.proc = await startWallboard(this.url, ['-addr', `127.0.0.1:${this.port}`, '-data-dir', path.join(this.dir, 'data'), '-config', this.configPath]);
  }

  async stop() {
    await stopProcess(this.proc);
  }
}
