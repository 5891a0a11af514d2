import { For, Show } from 'solid-js';
import type { NodeRegistry } from '../../runtime/registry.ts';
import type { EditorStore } from '../state/editor-store.ts';
import { acceptAttribute, graphInputFiles, pickerPrompt } from '../state/graph-inputs.ts';
import { FilePicker } from './file-picker.tsx';

export interface StartHintProps {
  store: EditorStore;
  registry: NodeRegistry;
  /** Whether the viewer has something to show: then the hint steps aside. */
  showing(): boolean;
  pick(input: string, file: File): void;
  preview(): void;
  /** Opens the webcam preset, where there is one: the way in without a driving video. */
  useWebcam?: () => void;
  /** Opens the microphone preset, where there is one: the way to speak a painting without a recording. */
  useMicrophone?: () => void;
}

const what = { image: 'A painting or portrait', video: 'A video of someone talking', any: 'A file' } as const;
const formats = { image: 'JPEG, PNG or WebP', video: 'MP4, MOV, WebM or MKV', any: '' } as const;

/**
 * The first steps, over the empty viewer: the files the graph still needs, each with its picker, then Preview; drops
 * anywhere work too, and the webcam preset is one click away. It names what is done, so it also says what is missing.
 */
export function StartHint(props: StartHintProps) {
  const inputs = () => graphInputFiles(props.store.document(), props.registry);
  const empty = () => Object.keys(props.store.document().nodes).length === 0;
  const ready = () => inputs().every((input) => input.file !== '');
  return (
    <Show when={!props.showing()}>
      <div class="start-hint" data-testid="start-hint">
        <Show
          when={!empty()}
          fallback={<p>Drop a painting and a driving video anywhere here to start a graph, or choose one of the Presets above.</p>}
        >
          <h3>{props.store.document().meta.title || 'This graph'}: to start</h3>
          <ol>
            <For each={inputs().map((input) => input.name)}>
              {(name) => {
                const input = () => inputs().find((candidate) => candidate.name === name);
                return (
                  <li classList={{ done: Boolean(input()?.file) }} data-step={name} title={formats[input()?.accept ?? 'any']}>
                    {what[input()?.accept ?? 'any']}:{' '}
                    <FilePicker file={input()?.file ?? ''} prompt={pickerPrompt(input()?.accept ?? 'any')} accept={acceptAttribute(input()?.accept ?? 'any')} onPick={(file) => props.pick(name, file)} />
                  </li>
                );
              }}
            </For>
            <li>
              <button type="button" class="primary" disabled={!ready()} onClick={() => props.preview()} data-testid="start-preview">
                Preview
              </button>{' '}
              (Ctrl+Enter): the first frames show above
            </li>
          </ol>
          <p class="hint">
            <Show when={inputs().length > 0}>Or drop the files anywhere. </Show>
            <Show when={props.useWebcam && inputs().some((input) => input.accept === 'video')}>
              No video?{' '}
              <button type="button" onClick={() => props.useWebcam?.()} data-testid="use-webcam">
                Use your webcam
              </button>
            </Show>
            <Show when={props.useMicrophone && Object.values(props.store.document().nodes).some((node) => node.type === 'audio-input')}>
              No recording?{' '}
              <button type="button" onClick={() => props.useMicrophone?.()} data-testid="use-microphone">
                Use your microphone
              </button>
            </Show>
          </p>
        </Show>
      </div>
    </Show>
  );
}
