#!/usr/bin/env python3
"""
Converts a pix2pix U-Net generator checkpoint made with the authors' pytorch-CycleGAN-and-pix2pix (`latest_net_G.pth`
of unet_256 or unet_128, `--norm batch` as pix2pix trains by default, or `--norm instance`) to the model folder the
pix2pix-face node opens: pix2pix.onnx (input `sketch` [1, 3, S, S], output `face`, planar RGB 0..1, S = 2^downs: 256
or 128), pix2pix.json, and PyTorch's output on a seeded input (export-check.json) for the onnxruntime check.

Batch norm runs as the authors' test.py runs it by default: with each picture's own statistics (`--norm-statistics
picture`); `running` uses the statistics saved in the checkpoint instead, as their `--eval`. Dropout, which their test
keeps on as noise, is left out: the export draws the same face for the same sketch.

Needs PyTorch only. Talks to `vivify models import pix2pix` through JSON lines on stdout (the last one `converted` or
`error`); anything on stderr is for people.

    python3 pix2pix_import.py CHECKPOINT OUT_DIR [--norm-statistics picture|running]
"""

import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cyclegan_import import run_conversion  # noqa: E402
from cyclegan_networks import CheckpointProblem, check_state, key_list, read_state_dict, strip_prefixes  # noqa: E402
from pix2pix_networks import FORMAT, INPUT_NAME, OUTPUT_NAME, UnetGenerator, export_generator, with_picture_norm  # noqa: E402

STATISTICS = ('running_mean', 'running_var', 'num_batches_tracked')


def unet_layout(path, state):
    """(downs, ngf, norm) as the keys describe them: the outermost down-convolution's shape gives ngf, the deepest
    key the number of nested blocks, statistics beside a norm weight batch norm."""
    first = state.get('model.model.0.weight')
    if first is None or first.dim() != 4:
        shown = key_list(list(state), 4)
        raise CheckpointProblem(f'{path} is not a pix2pix U-Net generator with the authors\' key layout: it has no model.model.0.weight '
                                f'(the outermost down-convolution); its keys are {shown}')
    # UnetGenerator.model, then one .model per nested block: the deepest key has downs + 1 of them.
    downs = max(key.split('.').count('model') for key in state) - 1
    batch = any(key.endswith('.running_mean') and key[:-len('running_mean')] + 'weight' in state for key in state)
    return downs, int(first.shape[0]), 'batch' if batch else 'instance'


def load_authors_generator(path, statistics):
    """The authors' UnetGenerator with the checkpoint's weights, ready to export, and the keys ignored (instance
    norms' statistics that old PyTorch versions saved, as the authors drop them on load)."""
    state = strip_prefixes(read_state_dict(path, 'a pix2pix U-Net generator checkpoint'))
    downs, ngf, norm = unet_layout(path, state)
    if downs < 5:
        raise CheckpointProblem(f'{path} nests {downs} U-Net levels; the authors\' U-Nets have at least 5 (unet_128: 7, unet_256: 8)')
    ignored = []
    if norm == 'instance':
        ignored = sorted(key for key in state if key.rsplit('.', 1)[-1] in STATISTICS)
        for key in ignored:
            del state[key]
    generator = UnetGenerator(downs, ngf=ngf, norm=norm)
    check_state(path, state, generator.state_dict(), 'a pix2pix U-Net generator',
                f'with the authors\' key layout (unet_{2 ** downs}, ngf {ngf}, {norm} norm)', f'ngf {ngf}, 3 colour channels in and out')
    generator.load_state_dict({key: value if key.endswith('num_batches_tracked') else value.float() for key, value in state.items()})
    generator.eval()
    if norm == 'batch' and statistics == 'picture':
        with_picture_norm(generator)
    return generator, downs, ngf, norm, ignored


def convert(checkpoint, out, statistics):
    started = time.perf_counter()
    generator, downs, ngf, norm, ignored = load_authors_generator(checkpoint, statistics)
    size = 2 ** downs
    os.makedirs(out, exist_ok=True)
    parameters = sum(p.numel() for p in generator.parameters())
    meta = {
        'format': FORMAT, 'version': 1, 'size': size, 'ngf': ngf, 'downs': downs, 'norm': norm,
        'norm_statistics': statistics if norm == 'batch' else None, 'imported': os.path.abspath(checkpoint),
        'input': INPUT_NAME, 'output': OUTPUT_NAME, 'parameters': parameters, 'torch': torch.__version__,
    }
    export_generator(out, generator, size, meta)
    return {'type': 'converted', 'size': size, 'downs': downs, 'ngf': ngf, 'norm': norm, 'statistics': meta['norm_statistics'],
            'ignoredKeys': len(ignored), 'parameters': parameters, 'seconds': round(time.perf_counter() - started, 3), 'torch': torch.__version__}


def main(argv):
    parser = argparse.ArgumentParser(description='Convert a pix2pix U-Net generator checkpoint (the authors\' layout) to ONNX (0..1 RGB in and out).')
    parser.add_argument('checkpoint', help='the generator\'s state dict, as the authors\' code saves it (latest_net_G.pth)')
    parser.add_argument('out', help='the folder to write pix2pix.onnx, pix2pix.json and the export check into')
    parser.add_argument('--norm-statistics', choices=('picture', 'running'), default='picture',
                        help='batch norm with each picture\'s statistics (the authors\' test.py default) or the saved running ones (their --eval)')
    parser.add_argument('--threads', type=int, help='CPU threads (default: every core this process may use)')
    args = parser.parse_args(argv)
    return run_conversion(args.threads, lambda: convert(args.checkpoint, args.out, args.norm_statistics))

if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
