import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { UsageError, messageOf } from '../../runtime/errors.ts';
import { isModelFileName, isModelId } from '../../models/catalog.ts';
import { findModelProblem, loadCatalog, modelProblem, resolveModelAlias, resolveModelsDir } from '../../models/store/index.ts';
import { importUploadedModel } from './model-upload.ts';

/**
 * The CLI's model store at `/models/` of the editor's server (dev and `vivify editor` alike), so that the page opens
 * the models `vivify models pull` installed: `/models/index.json` lists them, `/models/problem.json?model=&task=` says
 * why one cannot be used (the store's own sentence, with the way to get it), `/models/<id>/<file>` is a file. Downloads
 * in progress (`*.part`) and anything outside `<id>/<file>` are never served. The one way in is `POST /models/import`
 * (a file dropped on its node, checked as `vivify models import` checks it: model-upload.ts), from the editor's own
 * page only.
 */

const prefix = '/models/';

export function modelStoreMiddleware(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  // Connect ignores a returned promise: a failure answers here instead of going unhandled.
  serveModelStore(request, response, next).catch((error: unknown) => {
    if (!response.headersSent) answer(response, 500, error instanceof Error ? error.message : String(error));
    else response.destroy();
  });
}

async function serveModelStore(request: IncomingMessage, response: ServerResponse, next: () => void): Promise<void> {
  const path = (request.url ?? '').split('?')[0]!;
  if (!path.startsWith(prefix)) return next();
  const folder = resolveModelsDir();
  if (path === `${prefix}import`) return importUpload(folder, request, response);
  if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, `the model store takes files only through POST ${prefix}import`);
  let rest: string;
  try {
    rest = decodeURIComponent(path.slice(prefix.length));
  } catch {
    return answer(response, 400, 'malformed path');
  }
  if (rest === 'problem.json') {
    const query = new URL(request.url ?? '', 'http://localhost').searchParams;
    const model = query.get('model') ?? '';
    if (!isModelId(model)) return answer(response, 400, `"${model}" is not a model id`);
    const task = query.get('task') ?? undefined;
    // A family's default id ("deepfakes", "pix2pix") stands for its newest model here, as in a CLI render.
    return json(response, { problem: (await findModelProblem(folder, resolveModelAlias(folder, model, { task }), task)) ?? null }, request.method === 'HEAD');
  }
  if (rest === 'index.json') {
    // The store's own sentence for each catalog model that cannot be used: the editor says what the CLI says.
    const problems: Record<string, string> = {};
    for (const entry of loadCatalog().models) {
      const problem = await modelProblem(folder, entry.id);
      if (problem) problems[entry.id] = problem;
    }
    return json(response, { models: await installedModels(folder), problems }, request.method === 'HEAD');
  }
  const [id, file, ...more] = rest.split('/');
  if (!id || !file || more.length || !isModelId(id) || !isModelFileName(file)) return answer(response, 404, 'no such model file');
  const fullPath = join(folder, resolveModelAlias(folder, id, { file }), file);
  const info = await stat(fullPath).catch(() => undefined);
  if (!info?.isFile()) return answer(response, 404, `${id}/${file} is not in the model store (${folder}): \`vivify models list\` shows what is`);
  response.setHeader('Content-Type', 'application/octet-stream');
  response.setHeader('Content-Length', info.size);
  response.setHeader('Cache-Control', 'no-cache');
  if (request.method === 'HEAD') return void response.end();
  createReadStream(fullPath)
    .on('error', () => response.destroy())
    .pipe(response);
}

/** Each model folder of the store with the files in it (a missing store lists nothing). */
async function installedModels(folder: string): Promise<Record<string, string[]>> {
  const models: Record<string, string[]> = {};
  const ids = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of ids) {
    if (!entry.isDirectory() || !isModelId(entry.name)) continue;
    const files: string[] = [];
    for (const name of await readdir(join(folder, entry.name))) {
      if (isModelFileName(name) && (await stat(join(folder, entry.name, name)).catch(() => undefined))?.isFile()) files.push(name);
    }
    if (files.length) models[entry.name] = files.sort();
  }
  return models;
}

/**
 * `POST /models/import?model=<id>&task=<task>&file=<name>` with the file's bytes: installed as `vivify models import`
 * would, answering the lines it prints, or its sentence with 400. Only the editor's own page may post: a request
 * another site makes (its Origin, or Sec-Fetch-Site, says so) is refused, and the octet-stream type it must send
 * is one a browser lets no other site send without asking the server first, which it never allows.
 */
async function importUpload(folder: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST') return answer(response, 405, `post the model file's bytes to ${prefix}import`);
  if (fromOtherSite(request)) return answer(response, 403, 'model files are imported only from the editor this server serves');
  if (request.headers['content-type'] !== 'application/octet-stream') return answer(response, 415, 'post the model file as application/octet-stream');
  const query = new URL(request.url ?? '', 'http://localhost').searchParams;
  const length = request.headers['content-length'];
  try {
    const lines = await importUploadedModel(folder, {
      model: query.get('model') ?? '',
      task: query.get('task') ?? undefined,
      fileName: query.get('file') ?? '',
      size: length === undefined ? undefined : Number(length),
      body: request,
    });
    json(response, { lines }, false);
  } catch (error) {
    // Refused before the body was read: it is read to its end all the same, or the page would see a broken
    // connection instead of the answer.
    if (!request.complete && !request.destroyed) await new Promise((resolve) => request.resume().once('end', resolve).once('close', resolve));
    // The user's to fix (the CLI's exit status 2): 400; anything else is the server's failure.
    if (error instanceof UsageError) answer(response, 400, error.message);
    else answer(response, 500, messageOf(error));
  }
}

function fromOtherSite(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.origin;
  return origin !== undefined && origin !== `http://${request.headers.host}`;
}

function json(response: ServerResponse, data: unknown, head: boolean): void {
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Cache-Control', 'no-store');
  response.end(head ? undefined : JSON.stringify(data));
}

function answer(response: ServerResponse, status: number, message: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.end(message);
}
