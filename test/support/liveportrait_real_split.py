"""W and G of liveportrait_real.py's seeded build as two ONNX files, for tests that run them apart (the catalog fuses
them as warping_spade.onnx). Same weights, same export settings, same generator preparation as that file's export.

  python3 liveportrait_real_split.py UPSTREAM OUT_DIR [--seed N] [--warp-size S] [--decode-size S]
      writes warping.onnx (feature_3d [1, 32, 16, S, S], kp_driving, kp_source -> out [1, 256, S, S]) and
      spade_generator.onnx (feature [1, 256, S, S] -> out [1, 3, 8S, 8S]); S is 64 in the catalog. Smaller sizes
      keep every node and weight (both are convolutional) for providers too slow for the full volumes (SwiftShader);
      the warping module's hourglass halves height and width five times, so its S is at least 32. Shapes are traced
      fixed: free axes leave reshape targets computed, and the GridSample rewrite then cannot tell their rank.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from liveportrait_real import build, export, prepare_generator  # noqa: E402


class Warp(torch.nn.Module):
    def __init__(self, warp):
        super().__init__()
        self.warp = warp

    def forward(self, feature_3d, kp_driving, kp_source):
        return self.warp(feature_3d, kp_driving=kp_driving, kp_source=kp_source)['out']


class Decode(torch.nn.Module):
    def __init__(self, generator):
        super().__init__()
        self.generator = generator

    def forward(self, feature):
        return self.generator(feature=feature)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('upstream')
    parser.add_argument('out')
    parser.add_argument('--seed', type=int, default=2024)
    parser.add_argument('--warp-size', type=int, default=64)
    parser.add_argument('--decode-size', type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(2)
    modules = build(os.path.abspath(args.upstream), args.seed)
    prepare_generator(modules['G'])
    os.makedirs(args.out, exist_ok=True)
    kp = (torch.rand(1, 21, 3) - 0.5) * 0.5
    w, g = args.warp_size, args.decode_size
    export(Warp(modules['W']), os.path.join(args.out, 'warping.onnx'), (torch.rand(1, 32, 16, w, w), kp, kp),
           ['feature_3d', 'kp_driving', 'kp_source'], ['out'])
    export(Decode(modules['G']), os.path.join(args.out, 'spade_generator.onnx'), (torch.rand(1, 256, g, g),),
           ['feature'], ['out'])


if __name__ == '__main__':
    main()
