import { For, Show } from 'solid-js';
import type { ParamSpec, ParamValue } from '../../runtime/params.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { problemNode } from '../state/graph-file.ts';
import type { EditorStore } from '../state/editor-store.ts';

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
            <For each={Object.entries(selected().definition?.params ?? {})}>
              {([name, spec]) => (
                <ParamField
                  name={name}
                  spec={spec}
                  value={selected().entry.params[name] as ParamValue | undefined}
                  onChange={(value) => props.store.setParam(selected().id, name, value)}
                  addFile={props.addFile}
                />
              )}
            </For>
          </>
        )}
      </Show>
    </aside>
  );
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
        <span class="file">
          <span class="file-name">{String(current()) || 'no file'}</span>
          <input
            type="file"
            accept={spec.accept === 'image' ? 'image/*' : spec.accept === 'video' ? 'video/*' : undefined}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) props.onChange(props.addFile(file));
            }}
          />
        </span>
      ) : (
        <input type="text" value={String(current())} onChange={(e) => props.onChange(e.currentTarget.value)} />
      );
    default:
      return <input type="text" value={String(current())} onChange={(e) => props.onChange(e.currentTarget.value)} />;
  }
}
