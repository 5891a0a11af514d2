import { relative, isAbsolute } from 'node:path';

/** A path as a user would like to read it in a message: relative to the working folder where it lies inside it. */
export function displayPath(path: string): string {
  const near = relative(process.cwd(), path);
  return near && !near.startsWith('..') && !isAbsolute(near) ? near : path;
}
