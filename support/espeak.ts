import { execFileSync } from 'node:child_process';

/** Whether Debian's espeak-ng is installed: tests make known speech with it, offline (.ci/run installs it). */
export const hasEspeak = (() => {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
