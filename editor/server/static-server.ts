import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { UsageError } from '../../runtime/errors.ts';
import { modelStoreMiddleware } from './model-store-middleware.ts';

export interface EditorServer {
  /** Where a browser opens the editor. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a built editor (its static files) and the model store at /models/, with no build tool: what `vivify editor`
 * runs, in a checkout and in an installed package alike. Port 0 takes a free one.
 */
export async function serveStaticEditor(options: { root: string; port: number; host: string }): Promise<EditorServer> {
  const files = sirv(options.root, { dev: false, etag: true });
  const server = createServer((request, response) => {
    modelStoreMiddleware(request, response, () => {
      files(request, response, () => {
        response.statusCode = 404;
        response.end('not found');
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // A port taken or not ours to open is the user's to change: one sentence, exit 2.
      if (error.code === 'EADDRINUSE') reject(new UsageError(`--port ${options.port}: already in use on ${options.host}; choose another, or 0 for a free one`));
      else if (error.code === 'EACCES') reject(new UsageError(`--port ${options.port}: not allowed on ${options.host} (ports under 1024 need root); choose another, or 0 for a free one`));
      else reject(error);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
