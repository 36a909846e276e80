import { execFileSync } from 'node:child_process';
import { binaryPath, repoRoot } from './support';
import { providerPath } from './oidcserver';

// Build the server once; specs start and stop it as they need.
export default function globalSetup() {
  execFileSync('go', ['build', '-o', binaryPath, './cmd/wallboard'], { cwd: repoRoot, stdio: 'inherit' });
  // The OpenID provider of the single sign-on tests is a module of its own.
  execFileSync('go', ['build', '-o', providerPath, '.'], { cwd: `${repoRoot}/e2e/oidc-provider`, stdio: 'inherit' });
}
