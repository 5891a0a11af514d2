#!/usr/bin/env python3
"""
Converts a published CycleGAN generator checkpoint (the authors' `latest_net_G.pth`, `style_monet.pth`, ...) to the
ONNX file Vivify runs with onnxruntime, and records PyTorch's own output on a seeded input so that the caller can
check onnxruntime against it.

The ONNX file (opset 17): input `image` float32 [1, 3, height, width], output `styled` float32 [1, 3, height, width],
both RGB in 0..1 as every Vivify model takes and gives (the generator's -1..1 is mapped inside). Height and width are
free; they should be multiples of 4 (the generator halves the picture twice): other sizes come out rounded up to the
next multiple of 4. At least 8 pixels each way.

The reference (--reference OUT.json): format vivify.cyclegan-reference, the seeded input [1, 3, 64, 64] and PyTorch's
output for it, each as little-endian float32 in base64; onnxruntime should match the output within 1e-4.

Needs PyTorch and numpy. Talks to `vivify models import cyclegan` and `vivify models pull` through JSON lines on
stdout (one object per event, the last one `converted` or `error`); anything on stderr is for people.

    python3 cyclegan_import.py CHECKPOINT OUT.onnx [--reference OUT.json]
"""

import argparse
import base64
import json
import os
import sys
import time
import warnings

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cyclegan_networks import CheckpointProblem, load_published_generator  # noqa: E402

FORMAT = 'vivify.cyclegan-reference'
INPUT_NAME = 'image'
# ONNX cannot give an input and an output the same name.
OUTPUT_NAME = 'styled'
OPSET = 17
REFERENCE_SIZE = 64
REFERENCE_SEED = 1234


def emit(event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


class UnitRange(nn.Module):
    """The generator between 0..1 pictures: x * 2 - 1 in, (y + 1) / 2 out."""

    def __init__(self, generator):
        super().__init__()
        self.generator = generator

    def forward(self, image):
        return (self.generator(image * 2 - 1) + 1) / 2


def float32_base64(tensor):
    return base64.b64encode(tensor.detach().contiguous().numpy().astype('<f4').tobytes()).decode('ascii')


def atomic_write(path, write):
    """Writes through a temporary file and a rename: a stop at any moment leaves the old file or the new one."""
    temporary = f'{path}.{os.getpid()}.tmp'
    try:
        with open(temporary, 'wb') as file:
            write(file)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def convert(checkpoint, out, reference=None):
    started = time.perf_counter()
    generator, ignored = load_published_generator(checkpoint)
    model = UnitRange(generator).eval()
    sample = torch.rand(1, 3, REFERENCE_SIZE, REFERENCE_SIZE, generator=torch.Generator().manual_seed(REFERENCE_SEED))
    temporary = f'{out}.{os.getpid()}.tmp'
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter('ignore')  # tracer notes about InstanceNorm without running stats: expected here
            torch.onnx.export(model, sample, temporary, input_names=[INPUT_NAME], output_names=[OUTPUT_NAME], opset_version=OPSET,
                              do_constant_folding=True,
                              dynamic_axes={INPUT_NAME: {2: 'height', 3: 'width'}, OUTPUT_NAME: {2: 'height', 3: 'width'}})
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    with torch.no_grad():
        output = model(sample)
    blocks = sum(1 for module in generator.model if module.__class__.__name__ == 'ResnetBlock')
    if reference:
        document = {
            'format': FORMAT, 'version': 1, 'tolerance': 1e-4,
            'input': {'name': INPUT_NAME, 'shape': list(sample.shape), 'float32le': float32_base64(sample)},
            'output': {'name': OUTPUT_NAME, 'shape': list(output.shape), 'float32le': float32_base64(output)},
            'checkpoint': os.path.abspath(checkpoint), 'blocks': blocks, 'ignoredKeys': ignored, 'torch': torch.__version__,
        }
        atomic_write(reference, lambda file: file.write((json.dumps(document) + '\n').encode()))
    return {'type': 'converted', 'onnx': os.path.abspath(out), 'reference': os.path.abspath(reference) if reference else None,
            'blocks': blocks, 'ignoredKeys': len(ignored), 'parameters': sum(p.numel() for p in generator.parameters()),
            'seconds': round(time.perf_counter() - started, 3), 'torch': torch.__version__}


def parse_args(argv):
    parser = argparse.ArgumentParser(description='Convert a CycleGAN ResNet generator checkpoint to ONNX (0..1 RGB in and out).')
    parser.add_argument('checkpoint', help='the generator\'s state dict, as the authors publish it (latest_net_G.pth, style_monet.pth)')
    parser.add_argument('out', help='the ONNX file to write')
    parser.add_argument('--reference', help='also write PyTorch\'s output on a seeded 1x3x64x64 input to this JSON file')
    parser.add_argument('--threads', type=int, help='CPU threads (default: every core this process may use)')
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    return run_conversion(args.threads, lambda: convert(args.checkpoint, args.out, args.reference))


def run_conversion(threads, conversion):
    """Runs a conversion (this one, pix2pix_import.py's) on `threads` CPU threads: its result is the last JSON line;
    a checkpoint that does not fit is one `error` line and exit status 2."""
    if threads:
        torch.set_num_threads(threads)
    try:
        emit(conversion())
        return 0
    except CheckpointProblem as problem:
        emit({'type': 'error', 'message': str(problem)})
        return 2
    except KeyboardInterrupt:
        emit({'type': 'error', 'message': 'stopped before the conversion finished; nothing was written'})
        return 130


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
