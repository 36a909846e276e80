import { execFileSync } from 'node:child_process';
import { binaryPath, repoRoot } from './support';

// Build the server once; specs start and stop it as they need.
export default function globalSetup() {
  execFileSync('go', ['build', '-o', binaryPath, './cmd/wallboard'], { cwd: repoRoot, stdio: 'inherit' });
}
