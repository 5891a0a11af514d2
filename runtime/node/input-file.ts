import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { displayPath } from './paths.ts';

/**
 * Fails with one sentence where `path` is not a file to read: missing, a folder, or a special file. A FIFO would block
 * the read until something writes to it (a render that hangs, deaf to Ctrl-C), and a device never ends.
 */
export async function checkInputFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`${displayPath(path)}: no such file`);
  if (info.isDirectory()) throw new UsageError(`${displayPath(path)}: is a folder, not a file`);
  if (info.isFile()) return;
  const kind = info.isFIFO() ? 'a named pipe (FIFO)' : info.isSocket() ? 'a socket' : 'a device';
  throw new UsageError(`${displayPath(path)}: is ${kind}, not a regular file; Vivify reads media and graphs from files`);
}
