import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { providerRequests } from '../execution-providers.ts';
import { doctorCommand } from './doctor-command.ts';
import { editorCommand } from './editor-command.ts';
import { evalCommand } from './eval-command.ts';
import { landmarksCommand } from './landmarks-command.ts';
import { nodesCommand } from './nodes-command.ts';
import { renderCommand } from './render-command.ts';
import { validateCommand } from './validate-command.ts';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

const collect = (value: string, previous: string[]) => [...previous, value];

/** The `vivify` command line. Every option is defined once, here; the README's CLI reference is generated from it. */
export function createProgram(): Command {
  const program = new Command('vivify')
    .description('Make portraits and paintings talk: render Vivify graphs from the command line.')
    .version(version)
    .showSuggestionAfterError()
    .exitOverride();
  const debug = new Option('--debug', 'print stack traces with errors');

  program
    .command('render')
    .description('Render a graph to video. The graph is a .json document, or a video Vivify rendered (its graph is inside).')
    .argument('<graph>', 'graph document (.json) or a video rendered by Vivify')
    .option('--source <file>', "the picture to animate (sets the graph's source input)")
    .option('--driving <file>', "the driving video (sets the graph's driving input)")
    .option('-o, --output <file>', "the MP4 to write (sets the graph's output input)")
    .option('--set <node.param=value>', 'set one parameter; repeat for more', collect, [])
    .option('--frames <A:B>', 'render frames A to B-1 only (0-based; A: or :B also work)')
    .addOption(new Option('--provider <name>', 'where ONNX models run').choices(providerRequests).default('auto'))
    .option('--force', 'replace the output if it exists')
    .option('--json', 'print progress and the summary as JSON lines')
    .addOption(debug)
    .action(renderCommand);

  program
    .command('landmarks')
    .description('Find the face in a picture or a video and write its 478 landmarks as JSON and/or drawn over it.')
    .argument('<input>', 'a picture (JPEG, PNG, WebP...) or a video')
    .option('--json <file>', 'write the landmarks (pixels) and head pose of every frame as JSON')
    .option('--overlay <file>', 'write the mesh drawn over the input: a .png for a picture, an .mp4 for a video')
    .option('--set <face.param=value>', 'set a face-landmarks parameter (select, faceIndex, smoothing...); repeat for more', collect, [])
    .option('--force', 'replace outputs that exist')
    .addOption(new Option('--progress-json', 'print progress as JSON lines').hideHelp())
    .addOption(debug)
    .action(landmarksCommand);

  program
    .command('eval')
    .description('Measure how faithfully an output follows its driver: correlations of mouth, eyes and head angles; with the source, how much of the picture is kept.')
    .argument('<output>', 'the rendered video')
    .requiredOption('--driving <file>', 'the driving video it was rendered from')
    .option('--source <file>', 'the source picture: adds first-frame PSNR and the change of pixels far from the face')
    .option('--json', 'print the report as JSON')
    .addOption(debug)
    .action(evalCommand);

  program
    .command('validate')
    .description('Check a graph document and list every problem, each with its JSON path.')
    .argument('<graph>', 'graph document (.json) or a video rendered by Vivify')
    .option('--json', 'print the result as JSON')
    .addOption(debug)
    .action(validateCommand);

  program
    .command('nodes')
    .description('List the node types with their ports and parameters.')
    .option('--json', 'print the definitions as JSON')
    .addOption(debug)
    .action(nodesCommand);

  program
    .command('editor')
    .description('Serve the graph editor on this machine (building it first where needed); open the printed address in a browser.')
    .option('--port <n>', 'the port to listen on (0 picks a free one)', '5180')
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('--rebuild', 'build the editor again even where the build is current')
    .addOption(debug)
    .action(editorCommand);

  program
    .command('doctor')
    .description('Check this machine: ffmpeg, onnxruntime providers, GPU, the models folder.')
    .option('--json', 'print the checks as JSON')
    .addOption(debug)
    .action(doctorCommand);

  for (const command of program.commands) command.exitOverride().showSuggestionAfterError();
  return program;
}
