"""A pix2pix face generator with random weights, exported to ONNX with the I/O of `vivify train pix2pix`'s pix2pix.onnx.

Input `sketch` float32 [1,3,S,S] (the landmark sketch, planar RGB 0..1), output `face` float32 [1,3,S,S] (RGB 0..1),
S fixed in the file (the node reads it from the declared shape). The network is a two-level U-Net in miniature
(a stride-2 step down, one up, a skip connection), on a skin-coloured bias: what it draws is the sketch, filtered and
tinted, not a face. It stands in for a trained generator where only the plumbing is tested.

Usage: python3 pix2pix_generator.py OUT.onnx [--size S] [--seed N]
"""
import argparse

import torch
from torch import nn


class TinyUnet(nn.Module):
    def __init__(self, generator):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(3, 8, 4, stride=2, padding=1), nn.LeakyReLU(0.2))
        self.up = nn.Sequential(nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1), nn.ReLU())
        self.out = nn.Conv2d(8 + 3, 3, 3, padding=1)
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                    module.weight.normal_(0, 0.2, generator=generator)
                    module.bias.zero_()
        # A skin tone where the sketch is black, so the pasted face reads as a face-coloured patch with drawn lines.
        self.register_buffer('skin', torch.tensor([0.8, 0.6, 0.5]).view(1, 3, 1, 1))

    def forward(self, sketch):
        features = self.up(self.down(sketch))
        drawn = torch.tanh(self.out(torch.cat([features, sketch], 1)))
        return torch.clamp(self.skin + 0.5 * drawn - 0.4 * sketch, 0, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('out')
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--seed', type=int, default=19)
    args = parser.parse_args()
    generator = torch.Generator().manual_seed(args.seed)
    module = TinyUnet(generator).eval()
    sample = torch.rand(1, 3, args.size, args.size, generator=generator)
    with torch.no_grad():
        torch.onnx.export(module, (sample,), args.out, input_names=['sketch'], output_names=['face'], opset_version=17)


if __name__ == '__main__':
    main()
