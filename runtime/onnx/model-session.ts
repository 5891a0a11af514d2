/**
 * What a node sees of an ONNX model: named float tensors in and out, whatever precision the file itself uses.
 * Each host makes these with its own onnxruntime (onnxruntime-node or onnxruntime-web) on the provider it resolved.
 */

/** A tensor's element type as ONNX names it (lower case, as onnxruntime's `Tensor.type` does). */
export type TensorElementType = 'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'bool' | string;

/** One input or output of a model: a dimension is a number, or a name where the file leaves it free. */
export interface TensorSpec {
  name: string;
  type: TensorElementType;
  shape: (number | string)[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** The tensors nodes exchange with models: always float32 on this side; a float16 model is converted at the edge. */
export interface FloatTensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface ModelSession {
  /** The model id and file, as "liveportrait/motion_extractor.onnx", for messages and the summary. */
  readonly label: string;
  /** The execution provider that runs it: "cuda", "cpu", "webgpu" or "wasm". */
  readonly provider: string;
  readonly signature: ModelSignature;
  run(feeds: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>>;
  release(): Promise<void>;
}

/** A file of a model in the store, as a node names it. */
export interface ModelFileRef {
  /** The catalog id, as "liveportrait". */
  model: string;
  /** The file's name within the model, as "motion_extractor.onnx". */
  file: string;
}
