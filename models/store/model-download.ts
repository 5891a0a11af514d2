import { VivifyError } from '../../runtime/errors.ts';
import type { CatalogEntry, CatalogFile } from '../catalog.ts';
import { formatBytes } from './byte-size.ts';
import { DownloadError, downloadToPart } from './download.ts';
import type { PullEvents } from './pull-progress.ts';
import { storeOption } from './store-location.ts';

/** Downloads `url` to the model file's `.part` path, reporting progress; a failed download is one sentence. */
export async function downloadModelFile(
  storeDir: string,
  entry: CatalogEntry,
  file: CatalogFile,
  url: string,
  partPath: string,
  events: PullEvents,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await downloadToPart(
      url,
      partPath,
      {
        start: (info) => events.downloadStart(file.name, { url, ...info, total: info.total ?? file.size ?? undefined }),
        progress: (bytes) => events.downloadProgress(file.name, bytes),
      },
      signal,
    );
  } catch (error) {
    if (error instanceof DownloadError) throw new VivifyError(downloadFailure(storeDir, entry, error));
    throw error;
  } finally {
    events.downloadEnd(file.name);
  }
}

/** One sentence: the URL, what went wrong, what was kept, and how to do without the network. */
function downloadFailure(storeDir: string, entry: CatalogEntry, error: DownloadError): string {
  const option = storeOption(storeDir);
  const kept =
    error.partBytes > 0
      ? `; the ${formatBytes(error.partBytes)}${error.total ? ` of ${formatBytes(error.total)}` : ''} received are kept and vivify models pull ${entry.id}${option} resumes from there`
      : '';
  return `could not download ${error.url}: ${error.reason}${kept}; with the files at hand, import them instead: vivify models import ${entry.id} <folder>${option}`;
}
