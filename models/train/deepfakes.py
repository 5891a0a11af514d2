#!/usr/bin/env python3
"""
DeepFakes (2017) for Vivify: one shared encoder, one decoder per person. Decoding A's encoding with B's decoder
draws B's face with A's expression and pose. Trains on the folders `vivify extract` writes (aligned RGB crops,
masks/<name>.png, alignments.json), checkpoints and resumes exactly, and exports both directions to ONNX.

Needs PyTorch, numpy and Pillow (Debian: python3-torch python3-pil). Runs on CUDA where torch sees a GPU, else on
the CPU. Talks to `vivify train deepfakes` through JSON lines on stdout, one object per event; anything
on stderr is for people.

    python3 deepfakes.py --a A_DIR --b B_DIR --out MODEL_DIR [--preset small|original|large] [--iters N] ...
    python3 deepfakes.py --out MODEL_DIR --resume          continue from the checkpoint in MODEL_DIR
    python3 deepfakes.py --out MODEL_DIR --export-only     export the checkpoint again
"""

import argparse
import copy
import json
import math
import os
import signal
import sys
import time

# OpenMP threads that spin while they wait take the CPU from everything else, and lose it to anything else: on a busy
# machine training ran ten times slower. Set before torch loads its OpenMP runtime, which reads it once.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import numpy as np  # noqa: E402 (after the environment above)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image, UnidentifiedImageError  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_export import LEGACY_EXPORTER, OPSET, atomic_write, export_checked, write_json  # noqa: E402,F401 (the other trainers import them from here)

FORMAT = 'vivify.deepfakes'
# ONNX names: a graph cannot use one name for an input and an output, so the aligned crop goes in as "crop".
INPUT_NAME = 'crop'
OUTPUT_NAMES = ['face', 'mask']
CHECKPOINT = 'checkpoint.pt'
PREVIEW_COLUMNS = 6

# Encoder: stride-2 5x5 convs, a dense bottleneck, a dense layer back to (S/16)^2 x dense_channels, one upscale.
# Decoders: upscales to S, then 5x5 convs to RGB and to the mask. `original` is the 2017 model.
PRESETS = {
    'small': dict(size=64, encoder=[32, 64, 128, 256], bottleneck=256, dense_channels=256, encoder_up=128,
                  decoder=[64, 32, 16], lr=2e-4, batch=16, iterations=3000),
    'original': dict(size=64, encoder=[128, 256, 512, 1024], bottleneck=1024, dense_channels=1024, encoder_up=512,
                     decoder=[256, 128, 64], lr=5e-5, batch=16, iterations=50000),
    'large': dict(size=128, encoder=[128, 256, 512, 1024], bottleneck=512, dense_channels=512, encoder_up=512,
                  decoder=[512, 256, 128], lr=5e-5, batch=16, iterations=100000),
}


class UsageProblem(Exception):
    """A problem with the inputs the user can fix: reported as one sentence, exit status 2."""


def emit(event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------------------------------
# Pictures in and out, through Pillow (Debian: python3-pil)

def read_png(path):
    """A PNG (or any picture Pillow reads) as a uint8 array [H, W, C] (C: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA)."""
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode == 'P':
                image = image.convert('RGBA' if 'transparency' in image.info else 'RGB')
            elif image.mode in ('I;16', 'I;16B', 'I;16L', 'I'):
                # 16-bit grey: its high byte, as an 8-bit picture would hold it.
                return (np.asarray(image, np.uint32) >> 8).astype(np.uint8)[:, :, None]
            elif image.mode not in ('L', 'LA', 'RGB', 'RGBA'):
                image = image.convert('RGB')
            pixels = np.asarray(image, np.uint8)
    except UnidentifiedImageError:
        raise UsageProblem(f'{path} is not a picture Pillow can read (PNG, JPEG...)')
    except OSError as error:
        raise UsageProblem(f'{path} is a damaged picture file ({error})')
    return pixels[:, :, None] if pixels.ndim == 2 else pixels


def write_png(path, image):
    """A uint8 RGB array [H, W, 3] as a PNG."""
    atomic_write(path, lambda file: Image.fromarray(np.ascontiguousarray(image), 'RGB').save(file, format='PNG'))


# ---------------------------------------------------------------------------------------------------------------------
# Training data: the folders `vivify extract` writes

def face_files(folder):
    """[(image, mask or None)] and the alignment name, from alignments.json where there is one, else every *.png."""
    if not os.path.isdir(folder):
        raise UsageProblem(f'{folder} is not a folder')
    listing = os.path.join(folder, 'alignments.json')
    if os.path.isfile(listing):
        try:
            with open(listing, encoding='utf-8') as file:
                document = json.load(file)
        except (OSError, ValueError) as error:
            raise UsageProblem(f'{listing} cannot be read as JSON ({error})')
        if not isinstance(document, dict) or document.get('format') != 'vivify.faces' or not isinstance(document.get('faces'), list):
            raise UsageProblem(f'{listing} is not a vivify.faces listing (made by vivify extract)')
        files = []
        for face in document['faces']:
            image = os.path.join(folder, str(face.get('file', '')))
            mask = face.get('mask')
            files.append((image, mask_path(folder, str(mask)) if mask else None))
        return files, document.get('alignment')
    names = sorted(name for name in os.listdir(folder) if name.lower().endswith('.png') and os.path.isfile(os.path.join(folder, name)))
    return [(os.path.join(folder, name), mask_path(folder, name)) for name in names], None


def mask_path(folder, name):
    """A mask named as in alignments.json (relative to the folder, as "masks/x.png"), or masks/<name>; None if absent."""
    candidate = os.path.join(folder, name) if os.path.dirname(name) else os.path.join(folder, 'masks', name)
    return candidate if os.path.isfile(candidate) else None


def load_faces(folder, size):
    """Every face of a folder at size x size: uint8 tensors [N, 3, S, S] and [N, 1, S, S] (255 where no mask)."""
    files, alignment = face_files(folder)
    if not files:
        raise UsageProblem(f'{folder} has no faces (no alignments.json entries and no .png files); vivify extract makes them')
    images, masks = [], []
    for image_path, mask_file in files:
        if not os.path.isfile(image_path):
            raise UsageProblem(f'{image_path} (listed in {folder}/alignments.json) does not exist')
        image = to_channels(read_png(image_path), 3)
        mask = to_channels(read_png(mask_file), 1) if mask_file else np.full(image.shape[:2] + (1,), 255, np.uint8)
        images.append(resize(image, size))
        masks.append(resize(mask, size))
    return torch.stack(images), torch.stack(masks), alignment


def to_channels(image, channels):
    if image.shape[2] in (2, 4):
        image = image[:, :, :-1]
    if channels == 3 and image.shape[2] == 1:
        return np.repeat(image, 3, axis=2)
    if channels == 1 and image.shape[2] == 3:
        return image.max(axis=2, keepdims=True)
    return image


def resize(image, size):
    tensor = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)
    if tensor.shape[1] == size and tensor.shape[2] == size:
        return tensor.contiguous()
    # Area averaging: the crops are usually larger than the training size.
    scaled = F.interpolate(tensor[None].float(), size=(size, size), mode='area' if tensor.shape[1] >= size else 'bilinear')
    return scaled[0].round().clamp(0, 255).to(torch.uint8)


# ---------------------------------------------------------------------------------------------------------------------
# The model

def upscale(channels_in, channels_out):
    """Conv + pixel shuffle, the DeepFakes upscale: sharper than transposed convs, no checkerboard with ICNR."""
    conv = nn.Conv2d(channels_in, channels_out * 4, 3, padding=1)
    icnr(conv.weight)
    return nn.Sequential(conv, nn.LeakyReLU(0.1), nn.PixelShuffle(2))


def icnr(weight):
    """Each group of 4 shuffled outputs starts with one kernel (ICNR), so the first images are smooth, not tiled."""
    out_channels = weight.shape[0] // 4
    base = torch.empty(out_channels, *weight.shape[1:])
    nn.init.kaiming_uniform_(base, a=math.sqrt(5))
    with torch.no_grad():
        weight.copy_(base.repeat_interleave(4, dim=0))


class Encoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        layers, channels = [], 3
        for width in config['encoder']:
            layers += [nn.Conv2d(channels, width, 5, stride=2, padding=2), nn.LeakyReLU(0.1)]
            channels = width
        self.convs = nn.Sequential(*layers)
        self.side = config['size'] // 16
        self.dense_channels = config['dense_channels']
        self.bottleneck = nn.Linear(channels * self.side * self.side, config['bottleneck'])
        self.expand = nn.Linear(config['bottleneck'], self.dense_channels * self.side * self.side)
        self.up = upscale(self.dense_channels, config['encoder_up'])

    def forward(self, x):
        x = self.convs(x).flatten(1)
        x = self.expand(self.bottleneck(x))
        return self.up(x.view(-1, self.dense_channels, self.side, self.side))


class Decoder(nn.Module):
    """Upscales the shared code to the face and its mask (logits; the export adds the sigmoids)."""

    def __init__(self, config):
        super().__init__()
        layers, channels = [], config['encoder_up']
        for width in config['decoder']:
            layers.append(upscale(channels, width))
            channels = width
        self.ups = nn.Sequential(*layers)
        self.face = nn.Conv2d(channels, 3, 5, padding=2)
        self.mask = nn.Conv2d(channels, 1, 5, padding=2)

    def forward(self, code):
        x = self.ups(code)
        return self.face(x), self.mask(x)


class DeepFakes(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = Encoder(config)
        self.decoder_a = Decoder(config)
        self.decoder_b = Decoder(config)


class Swap(nn.Module):
    """One direction for export: crop (RGB 0..1) -> face (RGB 0..1) and mask (0..1)."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, crop):
        face, mask = self.decoder(self.encoder(crop))
        return torch.sigmoid(face), torch.sigmoid(mask)


def parameter_count(*modules):
    return sum(parameter.numel() for module in modules for parameter in module.parameters())


# ---------------------------------------------------------------------------------------------------------------------
# Augmentation (all on the device, from one generator that the checkpoint keeps)

def augment(images, masks, generator, device):
    """(input, target, target mask): flip and affine jitter on both; DeepFakes' random warp and colour on the input."""
    batch, _, size, _ = images.shape
    images = images.float() / 255
    masks = masks.float() / 255
    # Every random number of the batch in one draw, moved at once: on a GPU small copies cost more than the maths.
    r = torch.rand(batch, 60, generator=generator).to(device)
    between = lambda columns, low, high: r[:, columns] * (high - low) + low

    # Flip, rotation, scale and shift as one affine map, applied alike to the target, its mask and the input.
    flip = torch.where(r[:, 0] < 0.5, -1.0, 1.0)
    angle = between(1, -10, 10) * math.pi / 180
    scale = between(2, 0.95, 1.05)
    shift = between(slice(3, 5), -0.05, 0.05)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos * flip, -sin, shift[:, 0]], 1), torch.stack([sin * flip, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    target = F.grid_sample(images, grid, padding_mode='border', align_corners=False)
    target_mask = F.grid_sample(masks, grid, padding_mode='zeros', align_corners=False)

    # The random warp: a coarse 5x5 grid of offsets, upsampled smoothly, bends the input; the target stays straight,
    # so the autoencoder must learn the face, not copy pixels.
    offsets = between(slice(10, 60), -0.04, 0.04).view(batch, 2, 5, 5)
    offsets = F.interpolate(offsets, size=(size, size), mode='bicubic', align_corners=True).permute(0, 2, 3, 1)
    warped = F.grid_sample(target, grid_identity(batch, size, device) + offsets, padding_mode='border', align_corners=False)

    # Colour: brightness, contrast and a per-channel gain (a cheap hue and white-balance shift).
    brightness = between(slice(5, 6), -0.08, 0.08).view(batch, 1, 1, 1)
    contrast = between(slice(6, 7), 0.8, 1.2).view(batch, 1, 1, 1)
    gain = between(slice(7, 10), 0.94, 1.06).view(batch, 3, 1, 1)
    mean = warped.mean(dim=(1, 2, 3), keepdim=True)
    warped = ((warped - mean) * contrast + mean + brightness) * gain
    return warped.clamp(0, 1), target, target_mask


_identity_cache = {}


def grid_identity(batch, size, device):
    key = (size, str(device))
    if key not in _identity_cache:
        eye = torch.tensor([[[1.0, 0, 0], [0, 1.0, 0]]], device=device)
        _identity_cache[key] = F.affine_grid(eye, [1, 1, size, size], align_corners=False)
    return _identity_cache[key].expand(batch, -1, -1, -1)


def face_loss(face_logits, mask_logits, target, target_mask):
    """(reconstruction, mask): L1 weighted towards the face (the background still counts a little), and L1 of the mask."""
    face = torch.sigmoid(face_logits)
    weight = 0.1 + 0.9 * target_mask
    reconstruction = ((face - target).abs() * weight).mean() / weight.mean()
    mask = (torch.sigmoid(mask_logits) - target_mask).abs().mean()
    return reconstruction, mask


# ---------------------------------------------------------------------------------------------------------------------
# Checkpoints, previews, export

def save_checkpoint(out, state):
    """The whole state, written whole (a stop midway leaves the last one), and a JSON summary beside it for the CLI."""
    path = os.path.join(out, CHECKPOINT)
    atomic_write(path, lambda file: torch.save(state, file))
    keys = ('preset', 'size', 'iteration', 'iterations', 'batch', 'lr', 'seconds', 'a', 'b', 'pairs', 'alignment', 'loss')
    write_json(os.path.join(out, 'checkpoint.json'), {key: state[key] for key in keys if key in state})
    return path


def load_checkpoint(out):
    path = os.path.join(out, CHECKPOINT)
    if not os.path.isfile(path):
        raise UsageProblem(f'{out} holds no checkpoint to resume from ({CHECKPOINT})')
    return torch.load(path, map_location='cpu')


def to_rgb(tensor):
    return (tensor.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).cpu().numpy()


@torch.no_grad()
def write_preview(out, iteration, model, preview_a, preview_b, device):
    """Rows: A, A reconstructed, A->B, B, B reconstructed, B->A; one column per preview face."""
    model.eval()
    rows = []
    for faces, own, other in ((preview_a, model.decoder_a, model.decoder_b), (preview_b, model.decoder_b, model.decoder_a)):
        x = faces.to(device).float() / 255
        code = model.encoder(x)
        rows += [x, torch.sigmoid(own(code)[0]), torch.sigmoid(other(code)[0])]
    model.train()
    grid = torch.cat([torch.cat(list(row), dim=2) for row in rows], dim=1)
    folder = os.path.join(out, 'previews')
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f'preview_{iteration:07d}.png')
    write_png(path, to_rgb(grid))
    return path


def export(out, model, meta):
    """Both directions to ONNX, the metadata, and PyTorch's outputs on a seeded input for the ONNX check."""
    size = meta['size']
    cpu = copy.deepcopy(model).cpu().eval()
    directions = {'deepfakes_a2b.onnx': cpu.decoder_b, 'deepfakes_b2a.onnx': cpu.decoder_a}
    sample = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1234))
    export_checked(out, sample, INPUT_NAME, [(file, Swap(cpu.encoder, decoder).eval(), OUTPUT_NAMES) for file, decoder in directions.items()])
    write_json(os.path.join(out, 'deepfakes.json'), meta)
    return list(directions)


# ---------------------------------------------------------------------------------------------------------------------
# The run

class StopFlag:
    """SIGINT and SIGTERM, or --stop-after's time limit, ask for a stop: the current iteration finishes, then a
    checkpoint is saved and the model exported as it is, so a stopped training is as usable as a finished one."""

    def __init__(self, seconds=None):
        self.requested = False
        self.reason = None
        # Timed from the first iteration: loading the faces does not count.
        self.deadline = time.monotonic() + seconds if seconds else None

    def install(self):
        def request(signum, _frame):
            if not self.requested:
                sys.stderr.write('stopping after this iteration: saving a checkpoint and exporting\n')
            self.requested = True
            self.reason = self.reason or 'signal'
        signal.signal(signal.SIGINT, request)
        signal.signal(signal.SIGTERM, request)

    def check_deadline(self):
        if self.deadline is not None and not self.requested and time.monotonic() >= self.deadline:
            self.requested = True
            self.reason = 'time'


def device_name(device):
    if device.type == 'cuda':
        return f'cuda ({torch.cuda.get_device_name(device)})'
    return f'cpu ({torch.get_num_threads()} threads)'


def start_training(args, presets, size_step, things, sides=('a', 'b')):
    """What every trainer settles first: the device, and the run's settings from the checkpoint (--resume,
    --export-only; the command line may not contradict it) or from the preset and the command line. `sides` names
    the data options (--a and --b for the two-sided trainers): their folders come back in that order."""
    device = torch.device('cuda' if torch.cuda.is_available() and not args.cpu else 'cpu')
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else (os.cpu_count() or 1)
    torch.set_num_threads(args.threads or (cores if device.type == 'cpu' else min(4, cores)))
    torch.set_flush_denormal(True)
    torch.backends.cudnn.benchmark = True
    os.makedirs(args.out, exist_ok=True)

    state = load_checkpoint(args.out) if args.resume or args.export_only else None
    if state is not None:
        config = state['config']
        for option, recorded in (('preset', state['preset']), ('size', state['size'])):
            given = getattr(args, option)
            if given is not None and given != recorded:
                raise UsageProblem(f'the checkpoint in {args.out} was trained with --{option} {recorded}; leave --{option} out to continue it, or train into another folder')
        folders = tuple(getattr(args, side) or state[side]['folder'] for side in sides)
        iterations = args.iters if args.iters is not None else state['iterations']
        batch, lr = args.batch or state['batch'], state['lr']
    else:
        if os.path.isfile(os.path.join(args.out, CHECKPOINT)):
            raise UsageProblem(f'{args.out} already holds a training; --resume continues it, or train into another folder')
        if not all(getattr(args, side) for side in sides):
            named = ' and '.join(f'--{side}' for side in sides)
            raise UsageProblem(f'{named} {"names the folder" if len(sides) == 1 else "name the two folders"} of {things} to train on')
        preset = args.preset or 'small'
        config = dict(presets[preset], preset=preset)
        if args.size is not None:
            config['size'] = args.size
        folders = tuple(getattr(args, side) for side in sides)
        iterations = args.iters if args.iters is not None else config['iterations']
        batch, lr = args.batch or config['batch'], args.lr or config['lr']
    size = config['size']
    if size % size_step or size < 32:
        raise UsageProblem(f'--size {size}: the size must be a multiple of {size_step}, at least 32')
    record = {
        'preset': config['preset'], 'size': size, 'config': config, 'batch': batch, 'lr': lr,
        'iteration': state['iteration'] if state else 0, 'iterations': iterations,
        'seconds': state['seconds'] if state else 0.0,
        'loss': state['loss'] if state else {'first': None, 'last': None},
        **{side: state[side] if state else None for side in sides},
    }
    return device, state, config, folders, record


def restore_random_state(state, generator, key, device):
    """The data generator's and torch's random states from a checkpoint, so a resumed run draws what one run would."""
    generator.set_state(state['rng'][key])
    torch.set_rng_state(state['rng']['torch'])
    if device.type == 'cuda' and state['rng'].get('cuda') is not None:
        torch.cuda.set_rng_state(state['rng']['cuda'])


def run(args):
    device, state, config, (a_folder, b_folder), record = start_training(args, PRESETS, 16, 'faces')
    size, batch, lr, iterations = record['size'], record['batch'], record['lr'], record['iterations']

    torch.manual_seed(args.seed)
    model = DeepFakes(config).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.5, 0.999))
    generator = torch.Generator().manual_seed(args.seed)
    if state is not None:
        model.load_state_dict(state['model'])
        optimizer.load_state_dict(state['optimizer'])
        restore_random_state(state, generator, 'augment', device)
    record['alignment'] = state['alignment'] if state else None

    def meta():
        return {
            'format': FORMAT, 'version': 1, 'size': size, 'preset': config['preset'], 'alignment': record['alignment'],
            'iterations': record['iteration'], 'seconds': round(record['seconds'], 2), 'device': device_name(device),
            'a': record['a'], 'b': record['b'], 'loss': record['loss'],
            'input': INPUT_NAME, 'outputs': OUTPUT_NAMES, 'parameters': parameter_count(model),
        }

    if args.export_only:
        files = export(args.out, model, meta())
        emit({'type': 'export', 'files': files, 'iteration': record['iteration']})
        emit({'type': 'done', 'iteration': record['iteration'], 'stopped': False})
        return 0

    faces_a, masks_a, alignment_a = load_faces(a_folder, size)
    faces_b, masks_b, alignment_b = load_faces(b_folder, size)
    # The faces live where the training runs (as uint8: 10,000 faces of 128 px are 0.6 GB).
    faces_a, masks_a, faces_b, masks_b = (tensor.to(device) for tensor in (faces_a, masks_a, faces_b, masks_b))
    if alignment_a and alignment_b and alignment_a != alignment_b:
        raise UsageProblem(f'{a_folder} was aligned with "{alignment_a}" and {b_folder} with "{alignment_b}"; extract both the same way')
    record['alignment'] = alignment_a or alignment_b
    record['a'] = {'folder': os.path.abspath(a_folder), 'faces': len(faces_a)}
    record['b'] = {'folder': os.path.abspath(b_folder), 'faces': len(faces_b)}
    # Preview faces spread over each folder (neighbouring frames look alike).
    preview_index = lambda count: torch.linspace(0, count - 1, PREVIEW_COLUMNS).round().long()
    preview_a, preview_b = faces_a[preview_index(len(faces_a))], faces_b[preview_index(len(faces_b))]

    emit({'type': 'start', 'iteration': record['iteration'], 'iterations': iterations, 'preset': config['preset'], 'size': size,
          'batch': batch, 'device': device_name(device), 'parameters': parameter_count(model), 'resumed': state is not None,
          'previews': os.path.join(os.path.abspath(args.out), 'previews'), 'preview_every': args.preview_every,
          'faces': {'a': len(faces_a), 'b': len(faces_b)}})

    def snapshot():
        return {**record, 'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
                'rng': {'augment': generator.get_state(), 'torch': torch.get_rng_state(),
                        'cuda': torch.cuda.get_rng_state() if device.type == 'cuda' else None}}

    stop = StopFlag(args.stop_after)
    stop.install()
    model.train()
    window = {'a': 0.0, 'b': 0.0, 'mask_a': 0.0, 'mask_b': 0.0, 'count': 0}
    last_emit, last_iteration = time.monotonic(), record['iteration']
    started = time.monotonic()
    seconds_before = record['seconds']
    while record['iteration'] < iterations and not stop.requested:
        pick_a = torch.randint(len(faces_a), (batch,), generator=generator).to(device)
        pick_b = torch.randint(len(faces_b), (batch,), generator=generator).to(device)
        input_a, target_a, mask_a = augment(faces_a[pick_a], masks_a[pick_a], generator, device)
        input_b, target_b, mask_b = augment(faces_b[pick_b], masks_b[pick_b], generator, device)
        # One encoder pass over both people: faster than two, and the same gradients as the 2017 alternation's sum.
        code = model.encoder(torch.cat([input_a, input_b]))
        recon_a, masked_a = face_loss(*model.decoder_a(code[:batch]), target_a, mask_a)
        recon_b, masked_b = face_loss(*model.decoder_b(code[batch:]), target_b, mask_b)
        loss = recon_a + recon_b + 0.5 * (masked_a + masked_b)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        record['iteration'] += 1
        record['seconds'] = seconds_before + time.monotonic() - started
        i = record['iteration']
        for key, value in (('a', recon_a), ('b', recon_b), ('mask_a', masked_a), ('mask_b', masked_b)):
            window[key] += float(value)
        window['count'] += 1
        stop.check_deadline()

        now = time.monotonic()
        if i % args.progress_every == 0 or i == iterations or now - last_emit >= 2 or stop.requested:
            count = window['count']
            losses = {key: window[key] / count for key in ('a', 'b', 'mask_a', 'mask_b')}
            if record['loss']['first'] is None:
                record['loss']['first'] = {'a': losses['a'], 'b': losses['b']}
            record['loss']['last'] = {'a': losses['a'], 'b': losses['b']}
            emit({'type': 'progress', 'iteration': i, 'iterations': iterations, 'loss_a': round(losses['a'], 6),
                  'loss_b': round(losses['b'], 6), 'mask_loss_a': round(losses['mask_a'], 6), 'mask_loss_b': round(losses['mask_b'], 6),
                  'it_per_s': round((i - last_iteration) / max(now - last_emit, 1e-9), 3)})
            window = {key: 0.0 for key in window}
            window['count'] = 0
            last_emit, last_iteration = now, i
        if args.preview_every and i % args.preview_every == 0:
            emit({'type': 'preview', 'iteration': i, 'path': write_preview(args.out, i, model, preview_a, preview_b, device)})
        if args.checkpoint_every and i % args.checkpoint_every == 0 and i < iterations:
            emit({'type': 'checkpoint', 'iteration': i, 'path': save_checkpoint(args.out, snapshot())})

    return finish_training(args.out, record, iterations, stop, lambda: save_checkpoint(args.out, snapshot()),
                           lambda: write_preview(args.out, record['iteration'], model, preview_a, preview_b, device),
                           lambda: export(args.out, model, meta()))


class IterationLog:
    """What a GAN trainer (cyclegan_train.py, pix2pix_train.py) does after each iteration: the record's count and
    time, its losses averaged between progress lines (`loss_<key>`; the first and last kept in the record for --status
    and the registration), and the preview and checkpoint every so many iterations."""

    def __init__(self, args, record, iterations, keys):
        self.args, self.record, self.iterations, self.keys = args, record, iterations, keys
        self.window, self.count = dict.fromkeys(keys, 0.0), 0
        self.last_emit, self.last_iteration = time.monotonic(), record['iteration']
        self.started, self.seconds_before = time.monotonic(), record['seconds']

    def done(self, losses, stop, preview, snapshot, **fields):
        """One iteration done: `losses` by key (tensors or floats); `fields` lead the progress line (the rate)."""
        args, record = self.args, self.record
        record['iteration'] += 1
        record['seconds'] = self.seconds_before + time.monotonic() - self.started
        i = record['iteration']
        for key in self.keys:
            self.window[key] += float(losses[key])
        self.count += 1
        stop.check_deadline()

        now = time.monotonic()
        if i % args.progress_every == 0 or i == self.iterations or now - self.last_emit >= 2 or stop.requested:
            averaged = {key: self.window[key] / self.count for key in self.keys}
            if record['loss']['first'] is None:
                record['loss']['first'] = averaged
            record['loss']['last'] = averaged
            emit({'type': 'progress', 'iteration': i, 'iterations': self.iterations, **fields,
                  **{f'loss_{key}': round(value, 6) for key, value in averaged.items()},
                  'it_per_s': round((i - self.last_iteration) / max(now - self.last_emit, 1e-9), 3)})
            self.window, self.count = dict.fromkeys(self.keys, 0.0), 0
            self.last_emit, self.last_iteration = now, i
        if args.preview_every and i % args.preview_every == 0:
            emit({'type': 'preview', 'iteration': i, 'path': preview()})
        if args.checkpoint_every and i % args.checkpoint_every == 0 and i < self.iterations:
            emit({'type': 'checkpoint', 'iteration': i, 'path': save_checkpoint(args.out, snapshot())})


def finish_training(out, record, iterations, stop, save, preview, export_now):
    """The end of a run, for every trainer: a checkpoint, a last preview and the export, also when stopped early
    (Ctrl-C, --stop-after): the model as it stands is what the user wants then. Only a model that never trained
    (stopped before its first iteration) is not exported."""
    path = save()
    emit({'type': 'checkpoint', 'iteration': record['iteration'], 'path': path})
    stopped = stop.requested and record['iteration'] < iterations
    if stopped:
        emit({'type': 'stopped', 'iteration': record['iteration'], 'iterations': iterations, 'checkpoint': path, 'reason': stop.reason})
        if record['loss']['last'] is None:
            return 130
    emit({'type': 'preview', 'iteration': record['iteration'], 'path': preview()})
    files = export_now()
    emit({'type': 'export', 'files': files, 'iteration': record['iteration']})
    emit({'type': 'done', 'iteration': record['iteration'], 'seconds': round(record['seconds'], 2), 'stopped': stopped})
    return 0


def training_arguments(description, data, size_help, batch_help, lr_help, presets):
    """The command line every trainer takes; each names its own data ({option: help}, as {'--a': ..., '--b': ...}),
    sizes and learning rate."""
    parser = argparse.ArgumentParser(description=description)
    for option, help_text in data.items():
        parser.add_argument(option, help=help_text)
    parser.add_argument('--out', required=True, help='the model folder: checkpoints, previews, the ONNX exports')
    parser.add_argument('--preset', choices=sorted(presets), help='model size (default small)')
    parser.add_argument('--size', type=int, help=size_help)
    parser.add_argument('--iters', type=int, help='train up to this many iterations in all (default: the preset\'s)')
    parser.add_argument('--batch', type=int, help=batch_help)
    parser.add_argument('--lr', type=float, help=lr_help)
    parser.add_argument('--resume', action='store_true', help='continue from the checkpoint in --out')
    parser.add_argument('--export-only', action='store_true', help='export the checkpoint in --out and stop')
    parser.add_argument('--stop-after', type=float, help='stop, save and export after this many seconds of training')
    parser.add_argument('--preview-every', type=int, default=500, help='write a preview grid every N iterations (0: only at the end)')
    parser.add_argument('--checkpoint-every', type=int, default=500, help='save a checkpoint every N iterations (and always at the end)')
    parser.add_argument('--progress-every', type=int, default=10, help='a progress line every N iterations (and at least every 2 s)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--threads', type=int, help='CPU threads (default: every core this process may use)')
    parser.add_argument('--cpu', action='store_true', help='train on the CPU even where CUDA is available')
    return parser


def parse_training_arguments(parser, argv):
    args = parser.parse_args(argv)
    for name in ('iters', 'batch', 'preview_every', 'checkpoint_every'):
        value = getattr(args, name)
        if value is not None and value < (1 if name == 'batch' else 0):
            parser.error(f'--{name.replace("_", "-")} must be {"positive" if name == "batch" else "0 or more"}')
    if args.stop_after is not None and args.stop_after <= 0:
        parser.error('--stop-after must be positive')
    if args.progress_every < 1:
        parser.error('--progress-every must be positive')
    return args


def run_trainer(run, args):
    """Runs a trainer: a usage problem is one JSON error line and exit status 2; Ctrl-C before training saves nothing."""
    try:
        return run(args)
    except UsageProblem as problem:
        emit({'type': 'error', 'message': str(problem)})
        return 2
    except KeyboardInterrupt:
        emit({'type': 'stopped', 'iteration': None})
        return 130


def main(argv):
    parser = training_arguments('Train a DeepFakes model (shared encoder, one decoder per person) and export it to ONNX.',
                                {'--a': 'folder of person A\'s aligned faces (vivify extract)', '--b': 'folder of person B\'s aligned faces'},
                                'face size in pixels, a multiple of 16 (default: the preset\'s)',
                                'faces of each person per iteration (default: the preset\'s)',
                                'Adam learning rate (default: the preset\'s)', PRESETS)
    return run_trainer(run, parse_training_arguments(parser, argv))


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
