import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../runtime/errors.ts';
import { type EditorServer, serveStaticEditor } from '../editor/server/static-server.ts';
import { packageRoot } from './package-root.ts';

const editorRoot = join(packageRoot, 'editor');
const builtIndex = join(editorRoot, 'dist', 'index.html');
/** What the editor build is made from: a newer file here means the build is stale. */
const buildSources = ['editor', 'runtime', 'nodes', 'presets', 'models'];

/**
 * Serves the built editor (static files) on this machine, building it first where the build is missing or older than
 * its sources. Opens nothing by itself; runs until Ctrl-C.
 */
export async function editorCommand(options: { port: string; host: string; rebuild?: boolean; modelsDir?: string }): Promise<void> {
  const port = Number(options.port);
  // The server's /models/ reads the store where every other part of Vivify looks for it.
  if (options.modelsDir) process.env.VIVIFY_MODELS_DIR = resolve(options.modelsDir);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${options.port}: expected a port number from 0 to 65535`);
  if (options.rebuild || (await buildIsStale())) {
    process.stderr.write('Building the editor…\n');
    await buildEditor();
  }
  const server = await serveEditor({ port, host: options.host });
  process.stdout.write(`Vivify editor at ${server.url} (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
}

const configFile = join(editorRoot, 'server', 'vite.config.ts');

/** Builds the editor's static files into `outDir` (editor/dist by default). Vite loads only here, keeping other commands quick. */
export async function buildEditor(outDir?: string): Promise<void> {
  const vite = await import('vite');
  await vite.build({ configFile, logLevel: 'warn', ...(outDir ? { build: { outDir } } : {}) });
}

/** Serves a built editor (editor/dist by default) on `host:port`; port 0 takes a free one. */
export function serveEditor(options: { port: number; host: string; outDir?: string }): Promise<EditorServer> {
  return serveStaticEditor({ root: options.outDir ?? join(editorRoot, 'dist'), port: options.port, host: options.host });
}

async function buildIsStale(): Promise<boolean> {
  if (!existsSync(builtIndex)) return true;
  // An installed package ships the build without its sources: nothing to compare, nothing to rebuild.
  if (!existsSync(join(editorRoot, 'main.tsx'))) return false;
  const built = (await stat(builtIndex)).mtimeMs;
  for (const folder of buildSources) if ((await newestIn(join(packageRoot, folder))) > built) return true;
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
