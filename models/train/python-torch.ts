import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { UsageError } from '../../runtime/errors.ts';

/** The Python that trains: VIVIFY_PYTHON where set, else the system's (where Debian's python3-torch installs). */
export const pythonVariable = 'VIVIFY_PYTHON';

export function trainingPython(): string {
  const chosen = process.env[pythonVariable];
  if (chosen) return chosen;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/**
 * Checks that `python` can import torch and numpy; returns torch's version. Without them training (or `purpose`, as
 * "converting a checkpoint") cannot start: one sentence with the install command, exit status 2. Importing torch
 * takes a few seconds the first time.
 */
export function requireTorch(python: string = trainingPython(), purpose = 'training'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', 'import numpy, torch; print(torch.__version__)'], { timeout: 120_000 }, (error, stdout) => {
      if (!error) return resolve(stdout.trim());
      const which = process.env[pythonVariable] ? `${python} (from ${pythonVariable})` : python;
      const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot import torch';
      reject(
        new UsageError(
          `${purpose} needs PyTorch, and ${which} ${why}: install it with "sudo apt-get install python3-torch" (Debian, Ubuntu) ` +
            `or "pip install torch" (elsewhere), or set ${pythonVariable} to a Python that has it`,
        ),
      );
    });
  });
}
