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
 * training (or `purpose`, as "converting a checkpoint") cannot start: one sentence with the install command, exit
 * status 2. Importing torch takes a few seconds the first time.
 */
export function requireTorch(python: string = trainingPython(), purpose = 'training'): Promise<string> {
  // The trainers read and write their pictures with Pillow; converting a checkpoint needs none. One Python start
  // checks both: torch's version is printed before Pillow is imported, so a failure after it is Pillow's.
  const pillow = purpose === 'training';
  const script = `import numpy, torch\nprint(torch.__version__, flush=True)${pillow ? '\nimport PIL' : ''}`;
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', script], { timeout: 120_000 }, (error, stdout) => {
      const version = stdout.trim();
      if (!error) return resolve(version);
      const which = process.env[pythonVariable] ? `${python} (from ${pythonVariable})` : python;
      if (version) {
        reject(
          new UsageError(
            `training reads and writes pictures with Pillow, and ${which} cannot import PIL: install it with "sudo apt-get install python3-pil" ` +
              `(Debian, Ubuntu) or "pip install pillow" (elsewhere), or set ${pythonVariable} to a Python that has it`,
          ),
        );
        return;
      }
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
