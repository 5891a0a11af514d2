import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const editorRoot = join(repoRoot, 'editor');
const builtIndex = join(editorRoot, 'dist', 'index.html');
/** What the editor build is made from: a newer file here means the build is stale. */
const buildSources = ['editor', 'runtime', 'nodes', 'presets', 'models'];

/**
 * Serves the built editor (static files) on this machine, building it first where the build is missing or older than
 * its sources. Opens nothing by itself; runs until Ctrl-C.
 */
export async function editorCommand(options: { port: string; host: string; rebuild?: boolean }): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${options.port}: expected a port number from 0 to 65535`);
  // Vite is needed only here: loading it lazily keeps the other commands quick to start.
  const vite = await import('vite');
  const configFile = join(editorRoot, 'vite.config.ts');
  if (options.rebuild || (await buildIsStale())) {
    process.stderr.write('Building the editor…\n');
    await vite.build({ configFile, logLevel: 'warn' });
  }
  const server = await vite.preview({ configFile, logLevel: 'warn', preview: { port, host: options.host, strictPort: true, open: false } });
  const url = server.resolvedUrls?.local[0] ?? `http://${options.host}:${port}/`;
  process.stdout.write(`Vivify editor at ${url} (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
}

async function buildIsStale(): Promise<boolean> {
  if (!existsSync(builtIndex)) return true;
  const built = (await stat(builtIndex)).mtimeMs;
  for (const folder of buildSources) if ((await newestIn(join(repoRoot, folder))) > built) return true;
  return false;
}

async function newestIn(folder: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.parentPath.includes(join('editor', 'dist'))) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}
