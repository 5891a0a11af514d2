export interface ImportedFile {
  file: string;
  sha256: string;
  size: number;
  from: string;
  /** For a file converted from a checkpoint: what was converted and how closely onnxruntime reproduces it. */
  conversion?: string;
}

/** What `vivify models import` did with a model's files (given, or converted from a checkpoint). */
export interface ImportResult {
  imported: ImportedFile[];
  /** Files the model needs that were neither given nor are installed: the model is not complete yet. */
  stillMissing: string[];
  /** Given files that were refused, one line each (wrong signature, not ONNX, not a file of this model). */
  problems: string[];
  /** Things worth knowing that refuse nothing (an import that differs from the catalog's published hash). */
  notes: string[];
}
