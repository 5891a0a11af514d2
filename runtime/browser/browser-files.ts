/**
 * In the browser, a graph's file parameters hold names, and the files behind them are ones the user gave (dropped or
 * picked): this registry maps each name to its File. Output paths name files the host will offer for download.
 */
export class BrowserFiles {
  private readonly files = new Map<string, Blob>();

  /** Registers a file under its own name (replacing an earlier one of that name) and returns the name. */
  add(file: File): string {
    this.files.set(file.name, file);
    return file.name;
  }

  /** Registers bytes made in the page (an export) under `name`. */
  put(name: string, blob: Blob): void {
    this.files.set(name, blob);
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** The file given under `name`; fails with a sentence naming it where none was. */
  get(name: string): Blob {
    const file = this.files.get(name);
    if (!file) throw new Error(`${name || '(no file)'}: not loaded in the editor; drop or pick the file first`);
    return file;
  }

  /** Every file by name: what the page hands to the worker that runs the graph (Blobs are passed, not copied). */
  entries(): [string, Blob][] {
    return [...this.files];
  }

  /** Registers every one of `entries` by its name (in the worker: the page's files as they are now). */
  putAll(entries: Iterable<[string, Blob]>): void {
    for (const [name, blob] of entries) this.files.set(name, blob);
  }

  remove(name: string): void {
    this.files.delete(name);
  }

  /** Size and modification time where known: what cache keys need to notice a replaced file. */
  identity(name: string): string {
    const file = this.files.get(name);
    if (!file) return 'missing';
    return `${file.size}:${file instanceof File ? file.lastModified : 0}`;
  }
}
