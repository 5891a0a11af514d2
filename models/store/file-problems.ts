import type { CatalogFile } from '../catalog.ts';
import { fileSignatureProblems } from '../signature-check.ts';

/**
 * Why a file's bytes are not the catalog file: its ONNX signature's mismatches, one line each. A file the catalog
 * gives no signature (a model's metadata JSON) is checked by its hash alone.
 */
export function catalogFileProblems(file: CatalogFile, bytes: Uint8Array): string[] {
  return file.signature ? fileSignatureProblems(file.name, file.signature, bytes) : [];
}
