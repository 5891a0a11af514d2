// Worker threads start without the parent's TypeScript loader: compiled (an installed package) the worker is plain
// JavaScript beside this file; from source, register tsx here, then load the worker itself.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./face-detector-worker.js', import.meta.url))) {
  await import('./face-detector-worker.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./face-detector-worker.ts');
}
