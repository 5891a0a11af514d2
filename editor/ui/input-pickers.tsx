import { For } from 'solid-js';
import type { NodeRegistry } from '../../runtime/registry.ts';
import type { EditorStore } from '../state/editor-store.ts';
import { acceptAttribute, graphInputFiles, pickerPrompt } from '../state/graph-inputs.ts';
import { FilePicker } from './file-picker.tsx';

/**
 * The toolbar's pickers for the graph's file inputs (`--source`, `--driving`), each naming the file chosen, however it
 * came (picked, dropped, set on its node). Rows are keyed by the input's name, which stays from edit to edit, so a
 * picker is not made anew by each edit.
 */
export function InputPickers(props: { store: EditorStore; registry: NodeRegistry; pick(input: string, file: File): void }) {
  const inputs = () => graphInputFiles(props.store.document(), props.registry);
  return (
    <span class="inputs">
      <For each={inputs().map((input) => input.name)}>
        {(name) => {
          const input = () => inputs().find((candidate) => candidate.name === name);
          return (
            <span class="graph-input" title={`--${name}: sets ${input()?.nodeId}.${input()?.param}`}>
              {name}:{' '}
              <FilePicker
                file={input()?.file ?? ''}
                prompt={pickerPrompt(input()?.accept ?? 'any')}
                accept={acceptAttribute(input()?.accept ?? 'any')}
                dataInput={name}
                onPick={(file) => props.pick(name, file)}
              />
            </span>
          );
        }}
      </For>
    </span>
  );
}
