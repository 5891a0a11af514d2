import type { CatalogFile } from '../catalog.ts';
import type { LockedFile } from './lock-file.ts';

/** A hash a file must have, and where it comes from (for messages). */
export interface ExpectedHash {
  sha256: string;
  against: 'catalog' | 'lock';
}

/**
 * What a fresh download must hash to: the catalog's hash, else the one the first verified download recorded (so a
 * catalog without published hashes still pins the bytes), else nothing yet. An imported file's hash pins nothing:
 * another export of the same model may be imported or pulled.
 */
export function downloadExpectation(file: CatalogFile, locked: LockedFile | undefined): ExpectedHash | undefined {
  if (file.sha256) return { sha256: file.sha256, against: 'catalog' };
  if (locked?.source === 'downloaded') return { sha256: locked.sha256, against: 'lock' };
  return undefined;
}

/**
 * What an installed file must hash to: an imported or converted one what it had when installed; a downloaded one as
 * above. A converted model's catalog hash is its checkpoint's (`converted`), never the installed file's.
 */
export function installedExpectation(file: CatalogFile, locked: LockedFile | undefined, converted = false): ExpectedHash | undefined {
  if (locked?.source === 'imported' || locked?.source === 'converted') return { sha256: locked.sha256, against: 'lock' };
  if (converted) return undefined;
  return downloadExpectation(file, locked);
}
