import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { importCycles, layerViolations } from './support/layers.ts';

const exec = promisify(execFile);

async function sourceFiles(): Promise<Map<string, string>> {
  const { stdout } = await exec('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.js'], { cwd: repoRoot });
  const paths = stdout.split('\n').filter(Boolean);
  return new Map(await Promise.all(paths.map(async (path) => [path, await readFile(`${repoRoot}/${path}`, 'utf8').catch(() => '')] as const)));
}

describe('the layers', () => {
  it('hold: no import points up or sideways, and only Node-side code uses Node built-ins', async () => {
    expect(layerViolations(await sourceFiles())).toEqual([]);
  });

  it('are checked: a forbidden import is named', () => {
    const files = new Map([
      ['runtime/executor.ts', "import { createNodeHost } from './node/node-host.ts';"],
      ['nodes/blend.ts', "import { readFile } from 'node:fs/promises';\nimport { x } from '../runtime/image.ts';"],
      ['runtime/node/node-host.ts', "const cli = await import('../../cli/program.ts');"],
      ['bench/run.ts', "export * from '../test/support/cli.ts';"],
      ['runtime/image.test.ts', "import { createNodeHost } from './node/node-host.ts';\nimport { x } from '../test/support/cli.ts';"],
    ]);
    expect(layerViolations(files)).toEqual([
      'runtime/executor.ts imports runtime/node/node-host.ts: core may not import node-host',
      "nodes/blend.ts imports Node's node:fs/promises, but nodes code must run in the browser too",
      'runtime/node/node-host.ts imports cli/program.ts: node-host may not import cli',
      'bench/run.ts imports test/support/cli.ts: bench may not import test',
      'runtime/image.test.ts imports runtime/node/node-host.ts: test may not import node-host',
    ]);
  });

  it('hold no import cycle, and a cycle is found', async () => {
    expect(importCycles(await sourceFiles())).toEqual([]);
    const cycle = new Map([
      ['models/store/pull.ts', "import { a } from './import-files.ts';"],
      ['models/store/import-files.ts', "import type { B } from './converted-model.ts';"],
      ['models/store/converted-model.ts', "import { c } from './pull.ts';\nimport { d } from './verify.ts';"],
      ['models/store/verify.ts', ''],
    ]);
    expect(importCycles(cycle)).toEqual([['models/store/converted-model.ts', 'models/store/import-files.ts', 'models/store/pull.ts']]);
  });
});
