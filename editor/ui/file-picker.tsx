export interface FilePickerProps {
  /** The chosen file's name; empty while none is. */
  file: string;
  /** What the button says while no file is chosen. */
  prompt: string;
  /** The file input's `accept`. */
  accept?: string;
  /** The hidden file input's `data-input`: the graph input it sets (tests find the toolbar's pickers by it). */
  dataInput?: string;
  title?: string;
  onPick(file: File): void;
}

/**
 * A file picker that says which file is chosen: a button naming the file, over a hidden file input (the browser's own
 * reads "No file chosen" for a file given by drop or by name, and cannot be restyled).
 */
export function FilePicker(props: FilePickerProps) {
  let input!: HTMLInputElement;
  return (
    <span class="file-picker" classList={{ chosen: props.file !== '' }}>
      <button type="button" class="file-picker-name" title={props.file ? `${props.file} (click to choose another)` : props.title} onClick={() => input.click()}>
        {props.file || props.prompt}
      </button>
      <input
        ref={input}
        data-input={props.dataInput}
        type="file"
        hidden
        accept={props.accept}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Cleared, so that choosing the same file again is a change too.
          event.currentTarget.value = '';
          if (file) props.onPick(file);
        }}
      />
    </span>
  );
}
