import { execFileSync } from 'node:child_process';
import { trainingPython } from '../models/train/python-torch.ts';

/** The Python the tests train and export with: the one `vivify train` picks (VIVIFY_PYTHON, else the system's). */
export const testPython = trainingPython();

/** Why PyTorch cannot be used here, or undefined: tests that need it skip with this reason. */
export const torchMissing: string | undefined = (() => {
  try {
    execFileSync(testPython, ['-c', 'import numpy, torch, PIL'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${testPython} cannot import torch and PIL (Debian: apt-get install python3-torch python3-pil)`;
  }
})();
