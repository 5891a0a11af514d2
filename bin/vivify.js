#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load, so `npm install` is the only step before `npx vivify`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
