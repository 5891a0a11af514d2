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
 * Checks that `python` can import torch and numpy (and, to train, Pillow); returns torch's version. Without them
 * training (or `purpose`, as "converting a checkpoint") cannot start: one sentence with the install command, exit status 2. Importing torch
 * takes a few seconds the first time.
 */
export async function requireTorch(python: string = trainingPython(), purpose = 'training'): Promise<string> {
  const version = await torchVersion(python, purpose);
  // The trainers read and write their pictures with Pillow; converting a checkpoint needs none.
  if (purpose === 'training') await requirePillow(python);
  return version;
}

function torchVersion(python: string, purpose: string): Promise<string> {
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

function requirePillow(python: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', 'import PIL'], { timeout: 60_000 }, (error) => {
      if (!error) return resolve();
      const which = process.env[pythonVariable] ? `${python} (from ${pythonVariable})` : python;
      reject(
        new UsageError(
          `training reads and writes pictures with Pillow, and ${which} cannot import PIL: install it with "sudo apt-get install python3-pil" ` +
            `(Debian, Ubuntu) or "pip install pillow" (elsewhere), or set ${pythonVariable} to a Python that has it`,
        ),
      );
    });
  });
}
