import { Command, InvalidArgumentError, Option } from 'commander';
import { providerRequests } from '../runtime/node/execution-providers.ts';
import { cycleganPresets, deepfakesPresets, extractSizes, pix2pixPresets } from './option-choices.ts';
import { packageVersion } from './package-root.ts';


/**
 * An action whose command module loads only when it runs: `--version`, `--help` and a mistyped command load none of
 * them (nor onnxruntime, sharp or MediaPipe behind them), so they answer at once.
 */
function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const action = (await load())[name] as (...args: unknown[]) => unknown;
    await action(...args);
  };
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** A whole number of at least `min`, for numeric options (commander turns the error into a usage message). */
const wholeNumber = (min: number) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new InvalidArgumentError(`expected a whole number, at least ${min}`);
  return number;
};

/** A positive number (minutes, seconds), for options that take fractions. */
const positiveNumber = (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a positive number');
  return number;
};

/** The `vivify` command line. Every option is defined once, here; the README's CLI reference is generated from it. */
export function createProgram(): Command {
  const program = new Command('vivify')
    .description('Make portraits and paintings talk: render Vivify graphs from the command line.')
    .version(packageVersion)
    .showSuggestionAfterError()
    .exitOverride();
  const debug = new Option('--debug', 'print stack traces with errors');
  const modelsDir = new Option('--models-dir <dir>', 'the model store folder (default: VIVIFY_MODELS_DIR, else vivify/models in the user cache folder)');

  program
    .command('render')
    .description(
      'Render a graph to video. The graph is a .json document, or a video Vivify rendered (its graph is inside). ' +
        'Every input the graph names is an option: --<name> <file> (vivify validate lists them).',
    )
    .argument('<graph>', 'graph document (.json) or a video rendered by Vivify')
    .option('--source <file>', "the picture to animate (sets the graph's source input)")
    .option('--driving <file>', "the driving video (sets the graph's driving input)")
    .option('-o, --output <file>', "the MP4 to write (sets the graph's output input)")
    .option('--set <node.param=value>', 'set one parameter; repeat for more', collect, [])
    .option('--frames <A:B>', 'render frames A to B-1 only (0-based; A: or :B also work)')
    .addOption(new Option('--provider <name>', 'where ONNX models run').choices(providerRequests).default('auto'))
    .option('--force', 'replace the output if it exists')
    .option('--graph-outputs', 'write the output paths the graph file names (otherwise only paths given here are written)')
    .option('--json', 'print progress and the summary as JSON lines')
    .option('--queue <redis-url>', 'render on the workers of this Redis queue (vivify worker), in chunks joined without re-encoding; paths must be the same on every worker')
    .option('--chunk-frames <n>', 'with --queue: frames per chunk', wholeNumber(1), 150)
    .addOption(modelsDir)
    .addOption(debug)
    // Any other input the graph names is a flag too (--style FILE): render-command reads those from what is left.
    .allowUnknownOption()
    .allowExcessArguments()
    .action(lazy(() => import('./render-command.ts'), 'renderCommand'));

  program
    .command('worker')
    .description('Take render jobs from a Redis queue (BullMQ) and render them with this machine\'s host and model store; SIGTERM finishes the job in hand, then stops.')
    .requiredOption('--queue <redis-url>', 'the Redis the jobs are queued on, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'jobs rendered at once', wholeNumber(1), 1)
    .option('--lock-seconds <n>', 'how long a job stays with a worker that stopped answering before another worker takes it again', wholeNumber(1), 30)
    .addOption(new Option('--provider <name>', 'where ONNX models run').choices(providerRequests).default('auto'))
    .addOption(modelsDir)
    .addOption(debug)
    .action(lazy(() => import('./queue/worker-command.ts'), 'workerCommand'));

  program
    .command('batch')
    .description('Queue many renders at once: every graph of a batch file with every combination of its input files, each output named by a pattern; outputs already rendered from the same graph and inputs are skipped.')
    .argument('<jobs.json>', '{"graphs": [...], "inputs": {"source": [...], "driving": [...]}, "set": [...], "output": "out/{graph}-{source}-{driving}.mp4"}')
    .requiredOption('--queue <redis-url>', 'the Redis the workers take jobs from')
    .option('--force', 'replace outputs that exist but were not rendered by this batch')
    .option('--json', 'print one JSON line per render and a summary')
    .addOption(debug)
    .action(lazy(() => import('./queue/batch-command.ts'), 'batchCommand'));

  program
    .command('queue')
    .description('Look at a render queue: `queue status <redis-url>` counts its jobs by state and lists them with their progress and failures.')
    .command('status')
    .description('Count the queue\'s jobs by state (active, waiting, failed...) and list each with its file, frames done and failure.')
    .argument('<redis-url>', 'the Redis the jobs are queued on')
    .option('--json', 'print the counts and jobs as JSON')
    .addOption(debug)
    .action(lazy(() => import('./queue/queue-status-command.ts'), 'queueStatusCommand'));

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
    .action(lazy(() => import('./landmarks-command.ts'), 'landmarksCommand'));

  program
    .command('extract')
    .description(
      'Find the face in every frame of pictures and videos, align it onto the mean face and write square crops with their ' +
        'face masks and one alignments.json: the face set DeepFakes trains on. Frames without a face, and blurred ones, are skipped.',
    )
    .argument('<input...>', 'pictures, videos, or folders of them (their subfolders too, one level down)')
    .requiredOption('--out <dir>', 'the folder to write the crops, masks/ and alignments.json into')
    .addOption(new Option('--size <px>', "the side of the square crops: 64 for train deepfakes' small and original presets, 128 for large (larger crops are scaled down when training, only slower to load)").choices(extractSizes).default('256'))
    .option('--force', 'replace a face set already in the folder')
    .option('--json', 'print the summary as JSON')
    .addOption(debug)
    .action(lazy(() => import('./extract-command.ts'), 'extractCommand'));

  program
    .command('eval')
    .description('Measure how faithfully an output follows its driver: correlations of mouth, eyes and head angles; with the source, how much of the picture is kept.')
    .argument('<output>', 'the rendered video')
    .requiredOption('--driving <file>', 'the driving video it was rendered from')
    .option('--source <file>', 'the source picture: adds first-frame PSNR, the change of pixels far from the face and picture damage (ΔE of the face warped back onto the picture)')
    .option('--json', 'print the report as JSON')
    .addOption(debug)
    .action(lazy(() => import('./eval-command.ts'), 'evalCommand'));

  program
    .command('validate')
    .description('Check a graph document and list every problem, each with its JSON path.')
    .argument('<graph>', 'graph document (.json) or a video rendered by Vivify')
    .option('--json', 'print the result as JSON')
    .addOption(debug)
    .action(lazy(() => import('./validate-command.ts'), 'validateCommand'));

  program
    .command('nodes')
    .description('List the node types with their ports and parameters.')
    .option('--json', 'print the definitions as JSON')
    .addOption(debug)
    .action(lazy(() => import('./nodes-command.ts'), 'nodesCommand'));

  program
    .command('editor')
    .description('Serve the graph editor on this machine (building it first where needed); open the printed address in a browser.')
    .option('--port <n>', 'the port to listen on (0 picks a free one)', '5180')
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('--rebuild', 'build the editor again even where the build is current')
    .addOption(modelsDir)
    .addOption(debug)
    .action(lazy(() => import('./editor-command.ts'), 'editorCommand'));

  program
    .command('doctor')
    .description('Check this machine: ffmpeg, onnxruntime providers, GPU, the models folder.')
    .option('--json', 'print the checks as JSON')
    .addOption(debug)
    .action(lazy(() => import('./doctor-command.ts'), 'doctorCommand'));

  const models = program
    .command('models')
    .description(
      'The model store: large ONNX weights some nodes need, never downloaded unless you ask. ' +
        '`models list` shows the catalog and what is installed; `models pull <id>` downloads a model (resumable, checked by sha256 and signature); ' +
        '`models import <id> <dir-or-files...>` takes files you already have; `models import cyclegan|pix2pix <checkpoint.pth>` converts a CycleGAN or pix2pix generator; ' +
        '`models verify [id]` re-checks the hashes; ' +
        '`models path <id>` prints its folder; `models remove <id>` deletes it. `--json` prints list, pull and verify as JSON.',
    )
    .addOption(modelsDir)
    .addOption(debug);
  const json = new Option('--json', 'print the result as JSON');
  models.command('list').description('List the catalog: title, task, licence, size and what is installed.').addOption(json).action(lazy(() => import('./models-command.ts'), 'modelsListCommand'));
  models
    .command('pull')
    .description('Download a model into the store, resuming an interrupted download; checks each file before installing it.')
    .argument('<id>', 'the model id, as listed by vivify models list')
    .addOption(json)
    .action(lazy(() => import('./models-command.ts'), 'modelsPullCommand'));
  models
    .command('import')
    .description(
      'Install a model from files you already have: each is picked by name and checked against the catalog (a CycleGAN style of the catalog takes its .pth checkpoint). ' +
        '`import cyclegan <checkpoint.pth>` converts any CycleGAN ResNet generator checkpoint to ONNX with PyTorch, checks it with onnxruntime and registers it as a style model; ' +
        "`import pix2pix <checkpoint.pth>` converts a pix2pix U-Net generator of the authors' code (unet_256, unet_128) for the pix2pix-face node.",
    )
    .argument('<id>', 'the model id, or cyclegan or pix2pix to convert a generator checkpoint')
    .argument('<dir-or-files...>', 'folders holding the files, or the files themselves')
    .option('--name <id>', 'with cyclegan or pix2pix: the model id in the store (default: cyclegan- or pix2pix-<the checkpoint file name>)')
    .option('--licence <text>', "with cyclegan or pix2pix: the weights' licence, as listed (default: \"the checkpoint's\")")
    .addOption(
      new Option('--norm-statistics <which>', "with pix2pix, a batch-norm generator: each picture's own statistics, as the authors' test.py by default, or the saved running ones, as with their --eval")
        .choices(['picture', 'running'])
        .default('picture'),
    )
    .option('--force', "import a file whose sha256 is not the catalog's published one (another export of the model)")
    .action(lazy(() => import('./models-command.ts'), 'modelsImportCommand'));
  models
    .command('verify')
    .description('Hash the installed files again and compare them with the catalog or the lock.')
    .argument('[id]', 'one model (default: every model in the store)')
    .addOption(json)
    .action(lazy(() => import('./models-command.ts'), 'modelsVerifyCommand'));
  models.command('path').description("Print an installed model's folder.").argument('<id>', 'the model id').action(lazy(() => import('./models-command.ts'), 'modelsPathCommand'));
  models.command('remove').description('Delete a model from the store, with its lock entries.').argument('<id>', 'the model id').action(lazy(() => import('./models-command.ts'), 'modelsRemoveCommand'));

  const train = program
    .command('train')
    .description(
      'Train a model on faces you extracted (vivify extract), export it to ONNX and register it in the model store. ' +
        '`train deepfakes --a <faces> --b <faces> --out <dir>` trains the 2017 DeepFakes face swap; `train cyclegan --a <pngs> --b <pngs> --out <dir>` trains a CycleGAN style; `train pix2pix <target video>... --out <dir>` trains a pix2pix face generator on a target (all need PyTorch). Ctrl-C or `--stop-after` stops early and still exports and registers the model; `--resume` continues, `--status` summarises a training folder.',
    );
  train
    .command('deepfakes')
    .description(
      "Train a DeepFakes face swap: one shared encoder, a decoder per person. Runs models/train/deepfakes.py with PyTorch (CUDA where it sees a GPU, else the CPU), " +
        'checks the exported ONNX files with onnxruntime and registers them in the model store for the deepfakes node.',
    )
    .option('--a <dir>', "person A's aligned faces (a vivify extract folder, or a folder of .png crops with masks/)")
    .option('--b <dir>', "person B's aligned faces")
    .addOption(
      new Option(
        '--preset <name>',
        'model size (default small): small (64 px, 3,000 iterations) trains on a CPU, extract with --size 64; original is the 2017 model (64 px, 50,000 iterations); large is 128 px (100,000 iterations, extract with --size 128) for a GPU',
      ).choices(deepfakesPresets),
    )
    .option('--size <px>', "face size in pixels, a multiple of 16 (default: the preset's, 64 or 128); crops of another size are scaled to it", wholeNumber(32))
    .option('--batch <n>', "faces of each person per iteration (default: the preset's, 16)", wholeNumber(1))
    .option('--iters <n>', "iterations in all, counting those before a --resume (default: the preset's: small 3,000, original 50,000, large 100,000)", wholeNumber(0))
    .option('--preview-every <n>', 'write previews/preview_<iteration>.png (rows: A, A redrawn, A as B, B, B redrawn, B as A) every n iterations and at the end (default 500; 0: only at the end)', wholeNumber(0))
    .action(lazy(() => import('./train-command.ts'), 'trainDeepfakesCommand'));
  train
    .command('cyclegan')
    .description(
      'Train a CycleGAN style model between two folders of pictures (A: e.g. video frames, B: e.g. paintings): two ResNet generators, two PatchGAN discriminators, ' +
        'the authors\' losses and schedule. Runs models/train/cyclegan_train.py with PyTorch (CUDA where it sees a GPU, else the CPU), checks both ONNX exports ' +
        'with onnxruntime and registers them for the cyclegan node (generator.onnx A→B, generator_b2a.onnx B→A). Pictures must be PNG: vivify extract or ffmpeg makes them.',
    )
    .option('--a <dir>', 'domain A: a folder of .png pictures (video frames, vivify extract crops)')
    .option('--b <dir>', 'domain B: a folder of .png pictures (paintings of one style)')
    .addOption(
      new Option(
        '--preset <name>',
        "model size (default small): small (ngf 16, 3 blocks, 128 px crops, 2,000 iterations) trains on a CPU; original is the authors' (ngf 64, 9 blocks, 256 px, 200,000 iterations), for a GPU",
      ).choices(cycleganPresets),
    )
    .option('--size <px>', "crop size in pixels, a multiple of 4 (default: the preset's, 128 or 256); pictures smaller than it are scaled up", wholeNumber(32))
    .option('--batch <n>', "pictures of each domain per iteration (default: the preset's, 1)", wholeNumber(1))
    .option('--iters <n>', "iterations in all, counting those before a --resume (default: the preset's: small 2,000, original 200,000)", wholeNumber(0))
    .option('--preview-every <n>', 'write previews/preview_<iteration>.png (A, A→B, A→B→A, B, B→A, B→A→B) every n iterations and at the end (default 500; 0: only at the end)', wholeNumber(0))
    .action(lazy(() => import('./train-command.ts'), 'trainCycleganCommand'));
  train
    .command('pix2pix')
    .description(
      "Train a pix2pix face generator on footage of the target (the learned Face2Face): every aligned face crop is paired with the landmark sketch drawn from it, " +
        'and a U-Net learns to draw the face from the sketch against a PatchGAN (L1 + GAN loss). Runs models/train/pix2pix_train.py with PyTorch (CUDA where it sees a GPU, else the CPU), ' +
        'checks the ONNX export with onnxruntime and registers it for the pix2pix-face node (presets/pix2pix-face.json).',
    )
    .argument('[target...]', 'videos of the target (extracted into <out>/faces as vivify extract does), or folders vivify extract made from them; may be left out with --resume')
    .addOption(
      new Option(
        '--preset <name>',
        "model size (default small): small (64 px, ngf 32, 2,000 iterations) trains on a CPU; original is the authors' unet_256 (256 px, dropout, 100,000 iterations); hd is 512 px with pix2pixHD's 3-scale discriminator and feature matching (200,000 iterations), for a GPU",
      ).choices(pix2pixPresets),
    )
    .option('--size <px>', "face size in pixels, a power of two (default: the preset's, 64, 256 or 512); crops of another size are scaled to it", wholeNumber(32))
    .option('--batch <n>', "pairs per iteration (default: the preset's: small 4, original and hd 1)", wholeNumber(1))
    .option('--iters <n>', "iterations in all, counting those before a --resume (default: the preset's)", wholeNumber(0))
    .option('--scales <n>', "PatchGAN discriminators at n scales (1 to 4), with pix2pixHD's feature-matching loss above 1 (default: the preset's, 1; hd 3)", wholeNumber(1))
    .option('--preview-every <n>', 'write previews/preview_<iteration>.png (rows of sketch | generated | real) every n iterations and at the end (default 500; 0: only at the end)', wholeNumber(0))
    .action(lazy(() => import('./train-command.ts'), 'trainPix2pixCommand'));

  // The options both trainers take, in the order --help lists them after each trainer's own.
  for (const trainer of train.commands) {
    trainer
      .option('--name <id>', `the model id in the store (default: ${trainer.name()}-<name of --out>)`)
      .option('--out <dir>', 'the model folder: checkpoints, previews/, the ONNX exports (required)')
      .option('--resume', "continue the training in --out from its checkpoint (its data, --a and --b or pix2pix's targets, may be left out)")
      .option('--stop-after <minutes>', 'stop after this many minutes of training (from the first iteration), then export and register the model as Ctrl-C does', positiveNumber)
      .option('--export-only', 'export, check and register the last checkpoint in --out without training')
      .option('--status <dir>', 'summarise the training in this model folder (iterations, losses, last export, previews) and exit')
      .option('--json', 'print progress and the result as JSON lines')
      .addOption(modelsDir)
      .addOption(debug);
  }

  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  for (const command of all(program).slice(1)) command.exitOverride().showSuggestionAfterError();
  return program;
}
