import { render } from 'solid-js/web';
import { createFfmpegLoader } from '../runtime/browser/ffmpeg-wasm.ts';
import { App } from './app.tsx';
import { editorAssets } from './editor-assets.ts';
import './editor.css';
import { chooseExecutionProvider } from './execution-provider.ts';

const provider = await chooseExecutionProvider(new URLSearchParams(location.search).get('provider'));
const asset = (path: string) => new URL(path, document.baseURI).href;
// Loaded on first use: an editor that never touches a video never pays for ffmpeg.wasm.
const ffmpeg = createFfmpegLoader({ coreUrl: asset(editorAssets.ffmpegCore), wasmUrl: asset(editorAssets.ffmpegWasm) });
render(() => <App ffmpeg={ffmpeg} executionProvider={provider} />, document.getElementById('root')!);
