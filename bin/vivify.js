#!/usr/bin/env node
// An installed package runs the compiled CLI (dist/); a checkout, which has the TypeScript sources, compiles them on
// load through tsx, so that an edit is never shadowed by an old build.
import { existsSync } from 'node:fs';

// A reader that stops early (`vivify nodes | head`) closes the pipe: what is left to print goes nowhere, and the
// command goes on to finish its work (a render's file) instead of dying with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const fromSource = existsSync(new URL('../cli/main.ts', import.meta.url));
let main;
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
