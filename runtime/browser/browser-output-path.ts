import { UsageError } from '../errors.ts';
import { graphSidecarPath } from '../host.ts';
import type { BrowserFiles } from './browser-files.ts';

/** Fails with one sentence where the output `name`, or its graph sidecar, is already among the files and may not be replaced. */
export function checkBrowserOutputPath(files: BrowserFiles, name: string, overwrite: boolean): void {
  if (overwrite) return;
  for (const taken of [name, graphSidecarPath(name)]) {
    if (files.has(taken)) throw new UsageError(`${taken}: already exists; allow overwriting to replace it`);
  }
}
