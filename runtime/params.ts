/**
 * Typed node parameters. Each spec carries its default, range and help: validation, the CLI's `--set`, the editor's
 * inspector widgets and the generated node reference all read it from here.
 */

interface ParamCommon {
  help: string;
}

export interface NumberParam extends ParamCommon {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  /** Whole numbers only. */
  integer: boolean;
  /** Slider step for the editor. */
  step: number;
}

export interface BooleanParam extends ParamCommon {
  kind: 'boolean';
  default: boolean;
}

export interface ChoiceParam<O extends string = string> extends ParamCommon {
  kind: 'choice';
  default: O;
  options: readonly O[];
}

export interface TextParam extends ParamCommon {
  kind: 'text';
  default: string;
}

export interface FileParam extends ParamCommon {
  kind: 'file';
  default: string;
  /** What the file holds, for pickers and messages. */
  accept: 'image' | 'video' | 'any';
  /** Whether the node reads the file or writes it. */
  role: 'input' | 'output';
  /** An empty path is a problem (it must be set in the graph, or from the command line). */
  required: boolean;
}

export type ParamSpec = NumberParam | BooleanParam | ChoiceParam | TextParam | FileParam;
export type ParamSpecs = Record<string, ParamSpec>;
export type ParamValue = number | boolean | string;

/** The value type each spec describes, for typed node code. */
export type ParamValueOf<S extends ParamSpec> = S extends NumberParam
  ? number
  : S extends BooleanParam
    ? boolean
    : S extends ChoiceParam<infer O>
      ? O
      : string;

export type ParamValues<S extends ParamSpecs> = { [K in keyof S]: ParamValueOf<S[K]> };

interface RangeOptions {
  min: number;
  max: number;
  step?: number;
  help: string;
}

export function number(defaultValue: number, options: RangeOptions): NumberParam {
  return { kind: 'number', default: defaultValue, integer: false, step: options.step ?? (options.max - options.min) / 100, ...options };
}

export function integer(defaultValue: number, options: RangeOptions): NumberParam {
  return { kind: 'number', default: defaultValue, integer: true, step: options.step ?? 1, ...options };
}

export function boolean(defaultValue: boolean, options: ParamCommon): BooleanParam {
  return { kind: 'boolean', default: defaultValue, ...options };
}

export function choice<const O extends string>(options: readonly O[], defaultValue: NoInfer<O>, common: ParamCommon): ChoiceParam<O> {
  return { kind: 'choice', default: defaultValue, options, ...common };
}

export function text(defaultValue: string, options: ParamCommon): TextParam {
  return { kind: 'text', default: defaultValue, ...options };
}

export function file(options: ParamCommon & { accept: FileParam['accept']; role: FileParam['role']; required?: boolean }): FileParam {
  return { kind: 'file', default: '', required: options.required ?? true, ...options };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}

/** One short phrase: the type, its range or options, and the default. */
export function describeParam(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'number':
      return `${spec.integer ? 'integer' : 'number'} ${formatNumber(spec.min)} to ${formatNumber(spec.max)}, default ${formatNumber(spec.default)}`;
    case 'boolean':
      return `true or false, default ${spec.default}`;
    case 'choice':
      return `one of ${spec.options.join(', ')}; default ${spec.default}`;
    case 'text':
      return spec.default ? `text, default "${spec.default}"` : 'text';
    case 'file': {
      const what = spec.accept === 'any' ? 'a file' : spec.accept === 'image' ? 'an image file' : 'a video file';
      return `path to ${what} to ${spec.role === 'output' ? 'write' : 'read'}${spec.required ? ', required' : ''}`;
    }
  }
}

/** Says what is wrong with `value` for `spec` in one sentence, or nothing when it is valid. */
export function checkParam(spec: ParamSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return `expected ${spec.integer ? 'an integer' : 'a number'} from ${formatNumber(spec.min)} to ${formatNumber(spec.max)}, got ${show(value)}`;
      }
      if (spec.integer && !Number.isInteger(value)) return `expected a whole number, got ${value}`;
      if (value < spec.min || value > spec.max) {
        return `${formatNumber(value)} is out of range: allowed ${formatNumber(spec.min)} to ${formatNumber(spec.max)}`;
      }
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${show(value)}`;
    case 'choice':
      return typeof value === 'string' && spec.options.includes(value)
        ? undefined
        : `expected one of ${spec.options.join(', ')}, got ${show(value)}`;
    case 'text':
      return typeof value === 'string' ? undefined : `expected text, got ${show(value)}`;
    case 'file':
      if (typeof value !== 'string') return `expected a file path, got ${show(value)}`;
      return undefined;
  }
}

/** A number as JSON writes it, with a leading + or . allowed; no leading zeros, which some read as octal. */
const decimalNumber = /^[-+]?(?:(?:0|[1-9]\d*)(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Reads a command-line value (`--set node.param=value`) as the spec's type; throws a sentence when it cannot. */
export function parseParamText(spec: ParamSpec, raw: string): ParamValue {
  switch (spec.kind) {
    case 'number': {
      // Number() would also read "0x10" as 16, "0b1" and "0o7", " 5 " and "" as 0 and "Infinity": take decimals only.
      if (!decimalNumber.test(raw)) {
        const why = /^[-+]?0[xob]/i.test(raw) ? 'hexadecimal, octal and binary are not read' : /^[-+]?0\d/.test(raw) ? 'a leading 0 is not allowed' : '';
        throw new Error(`${show(raw)} is not a number${why ? ` (${why})` : ''}: write it in decimal, such as 18, -0.5 or 1e-3`);
      }
      const value = Number(raw);
      if (!Number.isFinite(value)) throw new Error(`${show(raw)} is too large`);
      return value;
    }
    case 'boolean':
      if (/^(true|yes|on|1)$/i.test(raw)) return true;
      if (/^(false|no|off|0)$/i.test(raw)) return false;
      throw new Error(`"${raw}" is not true or false`);
    default:
      return raw;
  }
}

export function defaultParams(specs: ParamSpecs): Record<string, ParamValue> {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.default]));
}

/** A value as a message shows it: short, on one line, whatever it is. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
