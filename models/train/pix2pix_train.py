#!/usr/bin/env python3
"""
pix2pix training (Isola, Zhu, Zhou and Efros 2017) for Vivify's learned Face2Face: a U-Net generator translates the
landmark sketch of an aligned face crop into the target's face; a PatchGAN judges (sketch, face) pairs, 6 channels.
Loss: L1 to the real crop (lambda 100) plus the least-squares GAN loss; Adam 2e-4, betas 0.5/0.999, the rate constant
for the first half of the iterations, then falling linearly to 0. With --scales above 1, pix2pixHD's (Wang et al.
2018) multi-scale discriminator and its feature-matching loss (lambda 10) replace the single PatchGAN: for 512 px.

Inputs: a pairs folder written by `vivify train pix2pix` (pairs.json: each sketch, drawn by runtime/draw/face-sketch.ts
at the training size, beside the crop `vivify extract` aligned). Both are flipped and shifted alike at random.

Exports the generator as pix2pix.onnx (opset 17): input `sketch` float32 [1, 3, S, S], output `face`, both planar RGB
in 0..1 (the generator's -1..1 is mapped inside), S fixed; pix2pix.json beside it; PyTorch's output on a seeded input
in export-check.json for the onnxruntime check. Checkpoints and resumes exactly; talks to `vivify train pix2pix`
through JSON lines on stdout.

    python3 pix2pix_train.py --pairs PAIRS_DIR --out MODEL_DIR [--preset small|original|hd] [--iters N] ...
    python3 pix2pix_train.py --out MODEL_DIR --resume          continue from the checkpoint in MODEL_DIR
    python3 pix2pix_train.py --out MODEL_DIR --export-only     export the checkpoint again
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# deepfakes sets OMP_WAIT_POLICY=PASSIVE before it imports torch: import it first.
from deepfakes import (IterationLog, StopFlag, UsageProblem, device_name, emit, finish_training, parameter_count,  # noqa: E402
                       parse_training_arguments, read_png, resize, restore_random_state, run_trainer, save_checkpoint,
                       start_training, to_channels, to_rgb, training_arguments, write_png)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from cyclegan_networks import init_weights  # noqa: E402
from cyclegan_train import lsgan, schedule  # noqa: E402
from pix2pix_networks import FORMAT, INPUT_NAME, OUTPUT_NAME, MultiscaleDiscriminator, UnetGenerator, export_generator  # noqa: E402

PAIRS_FORMAT = 'vivify.pix2pix-pairs'
PREVIEW_ROWS = 4
LAMBDA_L1 = 100.0
LAMBDA_FEATURES = 10.0
D_LAYERS = 3

# small trains on a CPU in minutes; original is the authors' unet_256 (their facades schedule, in iterations);
# hd is 512 px with pix2pixHD's three-scale discriminator and feature matching, for a GPU.
PRESETS = {
    'small': dict(size=64, ngf=32, ndf=32, scales=1, dropout=False, batch=4, lr=2e-4, iterations=2000),
    'original': dict(size=256, ngf=64, ndf=64, scales=1, dropout=True, batch=1, lr=2e-4, iterations=100000),
    'hd': dict(size=512, ngf=64, ndf=64, scales=3, dropout=False, batch=1, lr=2e-4, iterations=200000),
}


def downs_for(size):
    """The U-Net's depth at `size`: down to 1x1 (unet_256: 8), so size must be a power of two, at least 32."""
    downs = size.bit_length() - 1
    if size < 32 or size != 1 << downs:
        raise UsageProblem(f'--size {size}: a pix2pix U-Net halves the picture down to one pixel, so the size must be a power of two, at least 32 (64, 128, 256, 512)')
    return downs


# ---------------------------------------------------------------------------------------------------------------------
# Pairs

def load_pairs(folder, size):
    """The sketches and crops the pairs folder lists, at size x size: uint8 tensors [N, 3, S, S] each."""
    listing = os.path.join(folder, 'pairs.json')
    try:
        with open(listing, encoding='utf-8') as file:
            document = json.load(file)
    except FileNotFoundError:
        raise UsageProblem(f'{folder} holds no pairs.json (vivify train pix2pix writes it from the target\'s faces)')
    except (OSError, ValueError) as error:
        raise UsageProblem(f'{listing} cannot be read as JSON ({error})')
    if not isinstance(document, dict) or document.get('format') != PAIRS_FORMAT or not isinstance(document.get('pairs'), list):
        raise UsageProblem(f'{listing} is not a {PAIRS_FORMAT} listing (vivify train pix2pix writes them)')
    if not document['pairs']:
        raise UsageProblem(f'{listing} lists no pairs')
    if document.get('size') != size:
        raise UsageProblem(f'{listing} holds sketches drawn at {document.get("size")} px, not the {size} px trained here; make the pairs again at this size')
    sketches, faces = [], []
    for pair in document['pairs']:
        paths = [os.path.join(folder, str(pair.get(key, ''))) for key in ('sketch', 'face')]
        for path in paths:
            if not os.path.isfile(path):
                raise UsageProblem(f'{path} (listed in {listing}) does not exist')
        sketches.append(resize(to_channels(read_png(paths[0]), 3), size))
        faces.append(resize(to_channels(read_png(paths[1]), 3), size))
    return torch.stack(sketches), torch.stack(faces), document


def jitter(sketches, faces, generator, device):
    """Both flipped and shifted alike (up to size/32 pixels each way, edges repeated), in -1..1: the pix2pix authors'
    jitter, kept small because every crop is aligned the same way and the node's sketches are too."""
    batch, _, size, _ = faces.shape
    pair = torch.cat([sketches, faces], 1).to(device).float() / 127.5 - 1
    r = torch.rand(batch, 3, generator=generator).to(device)
    flip = torch.where(r[:, 0] < 0.5, -1.0, 1.0)
    shift = (r[:, 1:] * 2 - 1) * (2.0 / 32)
    zero = torch.zeros_like(flip)
    theta = torch.stack([torch.stack([flip, zero, shift[:, 0]], 1), torch.stack([zero, flip.abs(), shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(pair.shape), align_corners=False)
    # Nearest: a whole-pixel shift keeps the sketch's strokes as drawn (no blur the node's sketches lack).
    moved = F.grid_sample(pair, grid, mode='nearest', padding_mode='border', align_corners=False)
    return moved[:, :3], moved[:, 3:]


# ---------------------------------------------------------------------------------------------------------------------
# Losses

def discriminator_losses(netD, sketch, fake, real):
    """(D's loss: real pairs 1, fake pairs 0, halved as the authors do) for the discriminator's step."""
    fake_scales = netD(torch.cat([sketch, fake.detach()], 1))
    real_scales = netD(torch.cat([sketch, real], 1))
    loss = sum(lsgan(scale[-1], True) + lsgan(f[-1], False) for scale, f in zip(real_scales, fake_scales)) * 0.5
    return loss / len(real_scales)


def generator_losses(netD, sketch, fake, real, feature_matching):
    """(GAN, feature matching): fool every scale; with several scales, also match the discriminator's features on
    the real pair at each layer (pix2pixHD: lambda 10, each layer weighted 4 / (layers + 1), each scale 1 / scales)."""
    fake_scales = netD(torch.cat([sketch, fake], 1))
    gan = sum(lsgan(scale[-1], True) for scale in fake_scales) / len(fake_scales)
    features = torch.zeros((), device=fake.device)
    if feature_matching:
        with torch.no_grad():
            real_scales = netD(torch.cat([sketch, real], 1))
        weight = LAMBDA_FEATURES * (4.0 / (D_LAYERS + 1)) / len(fake_scales)
        for fake_layers, real_layers in zip(fake_scales, real_scales):
            for fake_layer, real_layer in zip(fake_layers[:-1], real_layers[:-1]):
                features = features + weight * F.l1_loss(fake_layer, real_layer)
    return gan, features


# ---------------------------------------------------------------------------------------------------------------------
# Previews, export

@torch.no_grad()
def write_preview(out, iteration, netG, preview_sketches, preview_faces, device):
    """One row per preview pair: sketch | generated | real."""
    netG.eval()
    sketches = preview_sketches.to(device).float() / 127.5 - 1
    generated = netG(sketches)
    netG.train()
    rows = [torch.cat([s, g, r], dim=2) for s, g, r in zip(sketches, generated, preview_faces.to(device).float() / 127.5 - 1)]
    grid = (torch.cat(rows, dim=1) + 1) / 2
    folder = os.path.join(out, 'previews')
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f'preview_{iteration:07d}.png')
    write_png(path, to_rgb(grid))
    return path


# ---------------------------------------------------------------------------------------------------------------------
# The run

LOSS_KEYS = ('L1', 'G_GAN', 'G_feat', 'D')


def run(args):
    device, state, config, (pairs_folder,), record = start_training(args, PRESETS, 32, 'training pairs', sides=('pairs',))
    size, batch, lr, iterations = record['size'], record['batch'], record['lr'], record['iterations']
    if state is None and args.scales is not None:
        config['scales'] = args.scales
    downs = downs_for(size)

    torch.manual_seed(args.seed)
    init = torch.Generator().manual_seed(args.seed)
    netG = init_weights(UnetGenerator(downs, ngf=config['ngf'], norm='instance', use_dropout=config['dropout']), generator=init).to(device)
    netD = init_weights(MultiscaleDiscriminator(6, config['ndf'], config['scales'], D_LAYERS), generator=init).to(device)
    optimizer_g = torch.optim.Adam(netG.parameters(), lr=lr, betas=(0.5, 0.999))
    optimizer_d = torch.optim.Adam(netD.parameters(), lr=lr, betas=(0.5, 0.999))
    generator = torch.Generator().manual_seed(args.seed)
    if state is not None:
        netG.load_state_dict(state['nets']['G'])
        netD.load_state_dict(state['nets']['D'])
        optimizer_g.load_state_dict(state['optimizer_g'])
        optimizer_d.load_state_dict(state['optimizer_d'])
        restore_random_state(state, generator, 'data', device)
    record['alignment'] = state.get('alignment') if state else None
    parameters = parameter_count(netG)

    def meta():
        return {
            'format': FORMAT, 'version': 1, 'size': size, 'preset': config['preset'], 'ngf': config['ngf'], 'downs': downs,
            'norm': 'instance', 'dropout': config['dropout'], 'ndf': config['ndf'], 'scales': config['scales'],
            'alignment': record['alignment'], 'sketch': 'runtime/draw/face-sketch.ts drawFaceSketch',
            'iterations': record['iteration'], 'seconds': round(record['seconds'], 2), 'device': device_name(device),
            'pairs': record['pairs'], 'loss': record['loss'], 'input': INPUT_NAME, 'output': OUTPUT_NAME, 'parameters': parameters,
        }

    if args.export_only:
        files = export_generator(args.out, netG, size, meta())
        emit({'type': 'export', 'files': files, 'iteration': record['iteration']})
        emit({'type': 'done', 'iteration': record['iteration'], 'stopped': False})
        return 0

    sketches, faces, listing = load_pairs(pairs_folder, size)
    sketches, faces = sketches.to(device), faces.to(device)
    record['alignment'] = listing.get('alignment')
    record['pairs'] = {'folder': os.path.abspath(pairs_folder), 'faces': len(faces)}
    picks = torch.linspace(0, len(faces) - 1, PREVIEW_ROWS).round().long()
    preview_sketches, preview_faces = sketches[picks], faces[picks]

    emit({'type': 'start', 'iteration': record['iteration'], 'iterations': iterations, 'preset': config['preset'], 'size': size,
          'batch': batch, 'device': device_name(device), 'parameters': parameters, 'resumed': state is not None,
          'previews': os.path.join(os.path.abspath(args.out), 'previews'), 'preview_every': args.preview_every,
          'scales': config['scales'], 'faces': {'target': len(faces)}})

    def snapshot():
        return {**record, 'nets': {'G': netG.state_dict(), 'D': netD.state_dict()},
                'optimizer_g': optimizer_g.state_dict(), 'optimizer_d': optimizer_d.state_dict(),
                'rng': {'data': generator.get_state(), 'torch': torch.get_rng_state(),
                        'cuda': torch.cuda.get_rng_state() if device.type == 'cuda' else None}}

    stop = StopFlag(args.stop_after)
    stop.install()
    netG.train()
    netD.train()
    feature_matching = config['scales'] > 1
    log = IterationLog(args, record, iterations, LOSS_KEYS)

    def preview():
        return write_preview(args.out, record['iteration'], netG, preview_sketches, preview_faces, device)

    while record['iteration'] < iterations and not stop.requested:
        rate = schedule((optimizer_g, optimizer_d), lr, record['iteration'], iterations)
        pick = torch.randint(len(faces), (batch,), generator=generator).to(device)
        sketch, real = jitter(sketches[pick], faces[pick], generator, device)
        fake = netG(sketch)

        # Discriminator first, on the fake as it is (the authors' order): real pairs 1, fake pairs 0.
        netD.requires_grad_(True)
        loss_d = discriminator_losses(netD, sketch, fake, real)
        optimizer_d.zero_grad(set_to_none=True)
        loss_d.backward()
        optimizer_d.step()

        # Generator: fool the discriminator, and stay within L1 of the real face.
        netD.requires_grad_(False)
        gan, features = generator_losses(netD, sketch, fake, real, feature_matching)
        l1 = F.l1_loss(fake, real)
        loss_g = gan + features + LAMBDA_L1 * l1
        optimizer_g.zero_grad(set_to_none=True)
        loss_g.backward()
        optimizer_g.step()

        # L1 in 0..1 units (half of -1..1's): the mean absolute error of a pixel, as people read it.
        log.done({'L1': l1 / 2, 'G_GAN': gan, 'G_feat': features, 'D': loss_d}, stop, preview, snapshot, lr=rate)

    return finish_training(args.out, record, iterations, stop, lambda: save_checkpoint(args.out, snapshot()), preview,
                           lambda: export_generator(args.out, netG, size, meta()))


def main(argv):
    parser = training_arguments('Train a pix2pix face generator (U-Net, PatchGAN) on landmark sketches and face crops, and export it to ONNX.',
                                {'--pairs': 'the pairs folder (pairs.json) vivify train pix2pix writes'},
                                'face size in pixels, a power of two (default: the preset\'s)',
                                'pairs per iteration (default: the preset\'s)', 'Adam learning rate (default 2e-4)', PRESETS)
    parser.add_argument('--scales', type=int, choices=range(1, 5), help='PatchGANs at this many scales, with feature matching above 1 (default: the preset\'s)')
    return run_trainer(run, parse_training_arguments(parser, argv))


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
