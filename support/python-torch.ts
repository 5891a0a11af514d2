import { execFileSync } from 'node:child_process';

/** The Python the tests train and export with: VIVIFY_PYTHON where set, else Debian's (python3-torch). */
export const testPython = process.env.VIVIFY_PYTHON ?? '/usr/bin/python3';

/** Why PyTorch cannot be used here, or undefined: tests that need it skip with this reason. */
export const torchMissing: string | undefined = (() => {
  try {
    execFileSync(testPython, ['-c', 'import numpy, torch'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${testPython} cannot import torch (Debian: apt-get install python3-torch)`;
  }
})();
