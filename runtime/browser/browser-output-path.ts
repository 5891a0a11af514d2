import { UsageError } from '../errors.ts';
import type { BrowserFiles } from './browser-files.ts';

/** The sidecar that holds the graph which made an output, as the Node host names it. */
export function sidecarName(outputName: string): string {
  return `${outputName}.vivify.json`;
}

/** Fails with one sentence where the output `name`, or its graph sidecar, is already among the files and may not be replaced. */
export function checkBrowserOutputPath(files: BrowserFiles, name: string, overwrite: boolean): void {
  if (overwrite) return;
  for (const taken of [name, sidecarName(name)]) {
    if (files.has(taken)) throw new UsageError(`${taken}: already exists; allow overwriting to replace it`);
  }
}
