import { messageOf } from '../runtime/errors.ts';
import type { ModelSignature, TensorSpec } from '../runtime/onnx/model-session.ts';
import { decodeModel, modelSignature } from '../runtime/onnx/onnx-graph.ts';
import { allowedTypes, type CatalogSignature, type CatalogTensor } from './catalog.ts';

/**
 * Whether an ONNX file's declared inputs and outputs are what the catalog says its nodes feed and read. Tensors match
 * by name (never by order); a dimension the file leaves free (named or unknown) matches any size. Each problem is one
 * line naming the file, the tensor, what the model needs and what the file has, so a user can tell a wrong export from
 * a wrong file.
 */
export function signatureProblems(fileName: string, expected: CatalogSignature, actual: ModelSignature): string[] {
  return [
    ...tensorProblems(fileName, 'input', expected.inputs, actual.inputs),
    ...tensorProblems(fileName, 'output', expected.outputs, actual.outputs),
  ];
}

/** The problems of an ONNX file's bytes against the catalog's signature; one line where it is not ONNX at all. */
export function fileSignatureProblems(fileName: string, expected: CatalogSignature, bytes: Uint8Array): string[] {
  let actual: ModelSignature;
  try {
    actual = modelSignature(decodeModel(bytes));
  } catch (error) {
    return [`${fileName}: not an ONNX model (${messageOf(error)})`];
  }
  if (actual.inputs.length === 0 && actual.outputs.length === 0) return [`${fileName}: not an ONNX model (it declares no inputs or outputs)`];
  return signatureProblems(fileName, expected, actual);
}

function tensorProblems(fileName: string, kind: 'input' | 'output', expected: CatalogTensor[], actual: TensorSpec[]): string[] {
  const problems: string[] = [];
  const actualByName = new Map(actual.map((tensor) => [tensor.name, tensor]));
  const expectedNames = new Set(expected.map((tensor) => tensor.name));
  const missing = expected.filter((tensor) => !actualByName.has(tensor.name));
  const unexpected = actual.filter((tensor) => !expectedNames.has(tensor.name));

  for (const want of expected) {
    const have = actualByName.get(want.name);
    if (!have) continue;
    const typeOk = (allowedTypes(want) as readonly string[]).includes(have.type);
    if (!typeOk || !shapeFits(want.shape, have.shape)) {
      problems.push(`${fileName}: ${kind} "${want.name}" is ${describeActual(have)}; the model needs ${describeExpected(want)}`);
    }
  }
  // A renamed tensor reads best as one line: what the file has instead of what the model needs.
  const pairs = Math.min(missing.length, unexpected.length);
  for (let i = 0; i < pairs; i++) {
    const have = unexpected[i]!;
    const want = missing[i]!;
    problems.push(`${fileName}: ${kind} "${have.name}" is not expected; the model needs ${kind} "${want.name}" ${describeExpected(want)}`);
  }
  for (const want of missing.slice(pairs)) {
    problems.push(`${fileName}: ${kind} "${want.name}" is missing; the model needs ${kind} "${want.name}" ${describeExpected(want)}`);
  }
  for (const have of unexpected.slice(pairs)) {
    const names = expected.map((tensor) => `"${tensor.name}"`).join(', ');
    problems.push(`${fileName}: ${kind} "${have.name}" (${describeActual(have)}) is not expected; the model's ${kind}s are ${names}`);
  }
  return problems;
}

/**
 * A catalog shape fits a file's where the ranks agree, every fixed dimension of the file equals the catalog's, and
 * every dimension the catalog names (free: the model takes any size there) is free in the file too.
 */
export function shapeFits(expected: readonly (number | string)[], actual: readonly (number | string)[]): boolean {
  return (
    expected.length === actual.length &&
    expected.every((size, i) => (typeof size === 'string' ? typeof actual[i] !== 'number' : typeof actual[i] !== 'number' || actual[i] === size))
  );
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}

function describeExpected(tensor: CatalogTensor): string {
  return `${allowedTypes(tensor).join(' or ')} ${formatShape(tensor.shape)}`;
}

function describeActual(tensor: TensorSpec): string {
  return `${tensor.type} ${formatShape(tensor.shape)}`;
}
