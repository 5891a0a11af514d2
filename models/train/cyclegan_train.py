#!/usr/bin/env python3
"""
CycleGAN training (Zhu, Park, Isola and Efros 2017) for Vivify: two ResNet generators (G_AB: A -> B, G_BA: B -> A), two
70x70 PatchGAN discriminators, the least-squares GAN loss, the cycle loss (lambda 10) and the identity loss (0.5 x
lambda), a pool of the last 50 fakes per discriminator, Adam (2e-4, betas 0.5/0.999) with the learning rate constant
for the first half of the iterations and then falling linearly to 0. The authors' setup, in iterations, not epochs.

Inputs: two folders of PNG pictures (any size, 8 or 16 bit; `vivify extract` crops, or frames from
`ffmpeg -i video.mp4 -vf fps=2 a/%04d.png`, or paintings made PNG with `ffmpeg -i painting.jpg painting.png`).
JPEG cannot be read here (no PIL: Debian's python3-torch brings numpy only). Each picture is scaled so that its
shorter side is 286/256 of the crop size, then cropped at random and flipped at random, as the authors do.

Exports both directions as cyclegan_import.py does (input `image` [1, 3, H, W] RGB 0..1, output `styled`, free H and
W, opset 17): generator.onnx (A -> B) and generator_b2a.onnx (B -> A), each with PyTorch's output on a seeded input
(generator.reference.json, generator_b2a.reference.json) for the onnxruntime check. Checkpoints and resumes exactly;
talks to `vivify train cyclegan` through JSON lines on stdout.

    python3 cyclegan_train.py --a A_DIR --b B_DIR --out MODEL_DIR [--preset small|original] [--iters N] ...
    python3 cyclegan_train.py --out MODEL_DIR --resume          continue from the checkpoint in MODEL_DIR
    python3 cyclegan_train.py --out MODEL_DIR --export-only     export the checkpoint again
"""

import copy
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# deepfakes sets OMP_WAIT_POLICY=PASSIVE before it imports torch: import it first.
from deepfakes import (LEGACY_EXPORTER, IterationLog, StopFlag, UsageProblem, device_name, emit, face_files,  # noqa: E402
                       finish_training, parse_training_arguments, read_png, restore_random_state, run_trainer, parameter_count, save_checkpoint,
                       start_training, to_channels, to_rgb, training_arguments, write_json, write_png)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from cyclegan_import import FORMAT as REFERENCE_FORMAT, INPUT_NAME, OPSET, OUTPUT_NAME, REFERENCE_SEED, REFERENCE_SIZE, UnitRange, float32_base64  # noqa: E402
from cyclegan_networks import NLayerDiscriminator, ResnetGenerator, init_weights  # noqa: E402

FORMAT = 'vivify.cyclegan-training'
EXPORTS = {'generator.onnx': 'g_ab', 'generator_b2a.onnx': 'g_ba'}
PREVIEW_COLUMNS = 4
POOL_SIZE = 50
LAMBDA_CYCLE = 10.0
LAMBDA_IDENTITY = 0.5

PRESETS = {
    'small': dict(ngf=16, n_blocks=3, ndf=16, size=128, batch=1, lr=2e-4, iterations=2000),
    'original': dict(ngf=64, n_blocks=9, ndf=64, size=256, batch=1, lr=2e-4, iterations=200000),
}


# ---------------------------------------------------------------------------------------------------------------------
# Pictures

def load_pictures(folder, size):
    """Every PNG of a folder, scaled so that its shorter side is size * 286 / 256: a list of uint8 tensors [3, h, w]."""
    files, _ = face_files(folder)
    if not files:
        raise UsageProblem(f'{folder} has no .png pictures (JPEG cannot be read: convert with ffmpeg, or use vivify extract)')
    load = max(size, round(size * 286 / 256))
    pictures = []
    for path, _ in files:
        if not os.path.isfile(path):
            raise UsageProblem(f'{path} (listed in {folder}/alignments.json) does not exist')
        image = torch.from_numpy(to_channels(read_png(path), 3).copy()).permute(2, 0, 1)
        height, width = image.shape[1:]
        scale = load / min(height, width)
        target = (max(size, round(height * scale)), max(size, round(width * scale)))
        if target != (height, width):
            mode = 'area' if scale < 1 else 'bilinear'
            image = F.interpolate(image[None].float(), size=target, mode=mode)[0].round().clamp(0, 255).to(torch.uint8)
        pictures.append(image.contiguous())
    return pictures


def random_batch(pictures, batch, size, generator, device):
    """A batch of random crops, flipped at random, in -1..1."""
    crops = []
    for _ in range(batch):
        picture = pictures[int(torch.randint(len(pictures), (1,), generator=generator))]
        height, width = picture.shape[1:]
        y = int(torch.randint(height - size + 1, (1,), generator=generator))
        x = int(torch.randint(width - size + 1, (1,), generator=generator))
        crop = picture[:, y:y + size, x:x + size]
        if float(torch.rand(1, generator=generator)) < 0.5:
            crop = crop.flip(2)
        crops.append(crop)
    return torch.stack(crops).to(device).float() / 127.5 - 1


def centre_crops(pictures, size):
    """PREVIEW_COLUMNS pictures spread over the folder, centre-cropped, in -1..1."""
    picks = torch.linspace(0, len(pictures) - 1, PREVIEW_COLUMNS).round().long().tolist()
    crops = []
    for index in picks:
        picture = pictures[index]
        y, x = (picture.shape[1] - size) // 2, (picture.shape[2] - size) // 2
        crops.append(picture[:, y:y + size, x:x + size])
    return torch.stack(crops).float() / 127.5 - 1


class ImagePool:
    """The authors' history of fakes: once full, half the time a fake is swapped for one of the last 50 shown."""

    def __init__(self, size, images=None):
        self.size = size
        self.images = list(images or [])

    def query(self, fakes, generator):
        out = []
        for fake in fakes.detach():
            fake = fake[None]
            if len(self.images) < self.size:
                self.images.append(fake.cpu())
                out.append(fake)
            elif float(torch.rand(1, generator=generator)) > 0.5:
                index = int(torch.randint(self.size, (1,), generator=generator))
                out.append(self.images[index].to(fake.device))
                self.images[index] = fake.cpu()
            else:
                out.append(fake)
        return torch.cat(out)


def lsgan(prediction, real):
    return F.mse_loss(prediction, torch.full_like(prediction, 1.0 if real else 0.0))


def learning_rate(base, iteration, iterations):
    """Constant for the first half, then linearly down to 0 at the last iteration."""
    half = iterations // 2
    if iteration < half:
        return base
    return base * max(0.0, (iterations - iteration) / max(1, iterations - half))


def schedule(optimizers, base, iteration, iterations):
    """Sets every optimizer's rate for this iteration (learning_rate) and returns it."""
    rate = learning_rate(base, iteration, iterations)
    for optimizer in optimizers:
        for group in optimizer.param_groups:
            group['lr'] = rate
    return rate


# ---------------------------------------------------------------------------------------------------------------------
# Previews, export

@torch.no_grad()
def write_preview(out, iteration, nets, preview_a, preview_b, device):
    """Rows: A, A -> B, A -> B -> A, B, B -> A, B -> A -> B; one column per picture."""
    for net in nets.values():
        net.eval()
    rows = []
    for pictures, forward, back in ((preview_a, nets['g_ab'], nets['g_ba']), (preview_b, nets['g_ba'], nets['g_ab'])):
        x = pictures.to(device)
        y = forward(x)
        rows += [x, y, back(y)]
    for net in nets.values():
        net.train()
    grid = torch.cat([torch.cat(list((row + 1) / 2), dim=2) for row in rows], dim=1)
    folder = os.path.join(out, 'previews')
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f'preview_{iteration:07d}.png')
    write_png(path, to_rgb(grid))
    return path


def export(out, nets, meta):
    """Both generators as cyclegan_import.py exports one, each with PyTorch's output on the seeded reference input."""
    sample = torch.rand(1, 3, REFERENCE_SIZE, REFERENCE_SIZE, generator=torch.Generator().manual_seed(REFERENCE_SEED))
    for file, key in EXPORTS.items():
        model = UnitRange(copy.deepcopy(nets[key]).cpu()).eval()
        path = os.path.join(out, file)
        temporary = f'{path}.{os.getpid()}.tmp'
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter('ignore')  # tracer notes about InstanceNorm without running stats: expected here
            torch.onnx.export(model, sample, temporary, input_names=[INPUT_NAME], output_names=[OUTPUT_NAME], opset_version=OPSET,
                              do_constant_folding=True,
                              dynamic_axes={INPUT_NAME: {2: 'height', 3: 'width'}, OUTPUT_NAME: {2: 'height', 3: 'width'}},
                              **LEGACY_EXPORTER)
            os.replace(temporary, path)
            output = model(sample)
        write_json(os.path.join(out, file[:-len('.onnx')] + '.reference.json'), {
            'format': REFERENCE_FORMAT, 'version': 1, 'tolerance': 1e-4,
            'input': {'name': INPUT_NAME, 'shape': list(sample.shape), 'float32le': float32_base64(sample)},
            'output': {'name': OUTPUT_NAME, 'shape': list(output.shape), 'float32le': float32_base64(output)},
            'blocks': meta['n_blocks'], 'torch': torch.__version__,
        })
    write_json(os.path.join(out, 'cyclegan.json'), meta)
    return list(EXPORTS)


# ---------------------------------------------------------------------------------------------------------------------
# The run

LOSS_KEYS = ('G', 'D_A', 'D_B', 'cycle', 'identity')


def run(args):
    device, state, config, (a_folder, b_folder), record = start_training(args, PRESETS, 4, 'pictures')
    size, batch, lr, iterations = record['size'], record['batch'], record['lr'], record['iterations']

    torch.manual_seed(args.seed)
    init = torch.Generator().manual_seed(args.seed)
    nets = {
        'g_ab': ResnetGenerator(ngf=config['ngf'], n_blocks=config['n_blocks']),
        'g_ba': ResnetGenerator(ngf=config['ngf'], n_blocks=config['n_blocks']),
        'd_a': NLayerDiscriminator(ndf=config['ndf']),
        'd_b': NLayerDiscriminator(ndf=config['ndf']),
    }
    for net in nets.values():
        init_weights(net, generator=init).to(device)
    optimizer_g = torch.optim.Adam(list(nets['g_ab'].parameters()) + list(nets['g_ba'].parameters()), lr=lr, betas=(0.5, 0.999))
    optimizer_d = torch.optim.Adam(list(nets['d_a'].parameters()) + list(nets['d_b'].parameters()), lr=lr, betas=(0.5, 0.999))
    generator = torch.Generator().manual_seed(args.seed)
    pools = {'a': ImagePool(POOL_SIZE), 'b': ImagePool(POOL_SIZE)}
    if state is not None:
        for key, net in nets.items():
            net.load_state_dict(state['nets'][key])
        optimizer_g.load_state_dict(state['optimizer_g'])
        optimizer_d.load_state_dict(state['optimizer_d'])
        restore_random_state(state, generator, 'data', device)
        pools = {key: ImagePool(POOL_SIZE, images) for key, images in state['pools'].items()}
    parameters = parameter_count(nets['g_ab'])

    def meta():
        return {
            'format': FORMAT, 'version': 1, 'size': size, 'preset': config['preset'], 'ngf': config['ngf'],
            'n_blocks': config['n_blocks'], 'ndf': config['ndf'], 'iterations': record['iteration'],
            'seconds': round(record['seconds'], 2), 'device': device_name(device), 'a': record['a'], 'b': record['b'],
            'loss': record['loss'], 'input': INPUT_NAME, 'output': OUTPUT_NAME, 'parameters': parameters,
            'files': {'a2b': 'generator.onnx', 'b2a': 'generator_b2a.onnx'},
        }

    if args.export_only:
        files = export(args.out, nets, meta())
        emit({'type': 'export', 'files': files, 'iteration': record['iteration']})
        emit({'type': 'done', 'iteration': record['iteration'], 'stopped': False})
        return 0

    pictures_a = load_pictures(a_folder, size)
    pictures_b = load_pictures(b_folder, size)
    record['a'] = {'folder': os.path.abspath(a_folder), 'faces': len(pictures_a)}
    record['b'] = {'folder': os.path.abspath(b_folder), 'faces': len(pictures_b)}
    preview_a, preview_b = centre_crops(pictures_a, size), centre_crops(pictures_b, size)

    emit({'type': 'start', 'iteration': record['iteration'], 'iterations': iterations, 'preset': config['preset'], 'size': size,
          'batch': batch, 'device': device_name(device), 'parameters': parameters, 'resumed': state is not None,
          'previews': os.path.join(os.path.abspath(args.out), 'previews'), 'preview_every': args.preview_every,
          'faces': {'a': len(pictures_a), 'b': len(pictures_b)}})

    def snapshot():
        return {**record, 'nets': {key: net.state_dict() for key, net in nets.items()},
                'optimizer_g': optimizer_g.state_dict(), 'optimizer_d': optimizer_d.state_dict(),
                'pools': {key: pool.images for key, pool in pools.items()},
                'rng': {'data': generator.get_state(), 'torch': torch.get_rng_state(),
                        'cuda': torch.cuda.get_rng_state() if device.type == 'cuda' else None}}

    stop = StopFlag(args.stop_after)
    stop.install()
    for net in nets.values():
        net.train()
    g_ab, g_ba, d_a, d_b = nets['g_ab'], nets['g_ba'], nets['d_a'], nets['d_b']
    discriminators = list(d_a.parameters()) + list(d_b.parameters())
    log = IterationLog(args, record, iterations, LOSS_KEYS)

    def preview():
        return write_preview(args.out, record['iteration'], nets, preview_a, preview_b, device)

    while record['iteration'] < iterations and not stop.requested:
        rate = schedule((optimizer_g, optimizer_d), lr, record['iteration'], iterations)
        real_a = random_batch(pictures_a, batch, size, generator, device)
        real_b = random_batch(pictures_b, batch, size, generator, device)

        # Generators: fool both discriminators, come back round the cycle, leave the other domain's pictures alone.
        for parameter in discriminators:
            parameter.requires_grad_(False)
        fake_b, fake_a = g_ab(real_a), g_ba(real_b)
        cycle = (F.l1_loss(g_ba(fake_b), real_a) + F.l1_loss(g_ab(fake_a), real_b)) * LAMBDA_CYCLE
        identity = (F.l1_loss(g_ab(real_b), real_b) + F.l1_loss(g_ba(real_a), real_a)) * LAMBDA_CYCLE * LAMBDA_IDENTITY
        loss_g = lsgan(d_b(fake_b), True) + lsgan(d_a(fake_a), True) + cycle + identity
        optimizer_g.zero_grad(set_to_none=True)
        loss_g.backward()
        optimizer_g.step()

        # Discriminators: real against a fake from the pool, halved as the authors do.
        for parameter in discriminators:
            parameter.requires_grad_(True)
        pooled_b, pooled_a = pools['b'].query(fake_b, generator), pools['a'].query(fake_a, generator)
        loss_d_b = (lsgan(d_b(real_b), True) + lsgan(d_b(pooled_b), False)) * 0.5
        loss_d_a = (lsgan(d_a(real_a), True) + lsgan(d_a(pooled_a), False)) * 0.5
        optimizer_d.zero_grad(set_to_none=True)
        (loss_d_a + loss_d_b).backward()
        optimizer_d.step()

        log.done(dict(zip(LOSS_KEYS, (loss_g, loss_d_a, loss_d_b, cycle, identity))), stop, preview, snapshot, lr=rate)

    return finish_training(args.out, record, iterations, stop, lambda: save_checkpoint(args.out, snapshot()), preview,
                           lambda: export(args.out, nets, meta()))


def main(argv):
    parser = training_arguments('Train a CycleGAN (two generators, two PatchGAN discriminators) on two folders of PNG pictures and export both directions to ONNX.',
                                {'--a': 'folder of domain A\'s pictures (.png; vivify extract crops or video frames)', '--b': 'folder of domain B\'s pictures (.png)'},
                                'crop size in pixels, a multiple of 4 (default: the preset\'s)',
                                'pictures of each domain per iteration (default: the preset\'s)', 'Adam learning rate (default 2e-4)', PRESETS)
    return run_trainer(run, parse_training_arguments(parser, argv))


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
