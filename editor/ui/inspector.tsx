import { For, Show } from 'solid-js';
import type { ParamSpec, ParamSpecs, ParamValue } from '../../runtime/params.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { problemNode } from '../state/graph-file.ts';
import type { EditorStore } from '../state/editor-store.ts';
import { acceptAttribute, pickerPrompt } from '../state/graph-inputs.ts';
import { FilePicker } from './file-picker.tsx';

export interface InspectorProps {
  store: EditorStore;
  registry: NodeRegistry;
  /** A file the user picked for a file parameter: the editor keeps it and returns the name the graph stores. */
  addFile(file: File): string;
}

/** The selected node's parameters as widgets generated from their definitions, its help, and its problems. */
export function Inspector(props: InspectorProps) {
  const node = () => {
    const id = props.store.selected();
    const entry = id === undefined ? undefined : props.store.document().nodes[id];
    return entry && id !== undefined ? { id, entry, definition: props.registry.get(entry.type) } : undefined;
  };
  return (
    <aside class="inspector" data-testid="inspector">
      <Show when={node()} fallback={<p class="hint">Select a node to see its parameters.</p>}>
        {(selected) => (
          <>
            <h2 title={selected().definition?.description}>
              {selected().id} <small>{selected().definition?.title ?? `unknown type "${selected().entry.type}"`}</small>
            </h2>
            <ul class="problems" data-testid="node-problems">
              <For each={props.store.problems().filter((problem) => problemNode(problem) === selected().id)}>
                {(problem) => (
                  <li data-path={problem.path}>
                    <code>{problem.path.replace(/^nodes(\.[\w-]+|\[".*?"\])\.?/, '')}</code> {problem.message}
                  </li>
                )}
              </For>
            </ul>
            {/*
              Rows are keyed by plain strings, equal from edit to edit: each edit makes a new document, and rows keyed by
              fresh objects would be made anew, ending a slider's drag after one step and losing its focus. The key
              holds the node and its type too, so that another node's same-named parameter gets its own widget.
            */}
            <For each={fieldKeys(selected().id, selected().entry.type, selected().definition?.params)}>
              {(key) => {
                const name = key.slice(key.lastIndexOf('\u0000') + 1);
                const spec = selected().definition!.params[name]!;
                return (
                  <ParamField
                    name={name}
                    spec={spec}
                    value={selected().entry.params[name] as ParamValue | undefined}
                    onChange={(value) => props.store.setParam(selected().id, name, value)}
                    addFile={props.addFile}
                  />
                );
              }}
            </For>
          </>
        )}
      </Show>
    </aside>
  );
}

/** One key per parameter row of a node: its id, type and the parameter's name. */
function fieldKeys(id: string, type: string, params: ParamSpecs | undefined): string[] {
  return Object.keys(params ?? {}).map((name) => `${id}\u0000${type}\u0000${name}`);
}

interface FieldProps {
  name: string;
  spec: ParamSpec;
  value: ParamValue | undefined;
  /** Undefined resets the parameter to its default. */
  onChange(value: ParamValue | undefined): void;
  addFile(file: File): string;
}

function ParamField(props: FieldProps) {
  const current = () => props.value ?? props.spec.default;
  const isDefault = () => props.value === undefined || props.value === props.spec.default;
  return (
    <label class="param" title={props.spec.help} data-param={props.name}>
      <span class="param-name">{props.name}</span>
      {widget(props, current)}
      <button type="button" class="reset" disabled={isDefault()} title="reset to default" onClick={() => props.onChange(undefined)}>
        ↺
      </button>
    </label>
  );
}

function widget(props: FieldProps, current: () => ParamValue) {
  const spec = props.spec;
  switch (spec.kind) {
    case 'number':
      return (
        <span class="number">
          <input type="range" min={spec.min} max={spec.max} step={spec.step} value={Number(current())} onInput={(e) => props.onChange(Number(e.currentTarget.value))} />
          <input type="number" min={spec.min} max={spec.max} step={spec.step} value={Number(current())} onChange={(e) => props.onChange(Number(e.currentTarget.value))} />
        </span>
      );
    case 'boolean':
      return <input type="checkbox" checked={Boolean(current())} onChange={(e) => props.onChange(e.currentTarget.checked)} />;
    case 'choice':
      return (
        <select value={String(current())} onChange={(e) => props.onChange(e.currentTarget.value)}>
          <For each={spec.options}>{(option) => <option value={option}>{option}</option>}</For>
        </select>
      );
    case 'file':
      return spec.role === 'input' ? (
        <FilePicker file={String(current())} prompt={pickerPrompt(spec.accept)} accept={acceptAttribute(spec.accept)} onPick={(file) => props.onChange(props.addFile(file))} />
      ) : (
        <input type="text" value={String(current())} onChange={(e) => props.onChange(e.currentTarget.value)} />
      );
    default:
      return <input type="text" value={String(current())} onChange={(e) => props.onChange(e.currentTarget.value)} />;
  }
}
