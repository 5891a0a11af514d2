"""Style generators with random weights, exported to ONNX the way a CycleGAN import stores them, for tests and benchmarks.

Both take `image` float32 [1,3,H,W] in RGB 0..1 (H and W free, multiples of 4) and give one float32 [1,3,H,W] output
in RGB 0..1, like the `generator.onnx` of `vivify models import cyclegan`:

- tiny: a small convolutional encoder-decoder (3x3 convolutions, one stride-2 step down and one up, reflection
  padding, no normalisation), quick enough for end-to-end renders, and local, so a tiled run can match an untiled one;
- resnet: the CycleGAN authors' ResnetGenerator (9 residual blocks, 64 filters, instance norm, reflection padding,
  no dropout), to time the real architecture: models/train/cyclegan_networks.py's where it is there (the importer's
  own definition), else the faithful copy below. The tanh range [-1,1] is mapped from and to 0..1 around it.

With `checkpoint OUT.pth` it saves instead the state dict of models/train/cyclegan_networks.py's ResnetGenerator with
the authors' initialisation, as `vivify models import cyclegan` takes a published checkpoint.

Usage: python3 style_generator.py tiny|resnet OUT.onnx [--seed N] [--output-name NAME]
       python3 style_generator.py checkpoint OUT.pth [--seed N]
"""
import argparse
import os
import sys

import torch
from torch import nn

NETWORKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'models', 'train')


class TinyGenerator(nn.Module):
    def __init__(self, generator):
        super().__init__()
        self.encode = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(3, 8, 3), nn.ReLU(True),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(16, 16, 3), nn.ReLU(True),
        )
        self.decode = nn.Sequential(
            nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(8, 3, 3),
        )
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                    module.weight.normal_(0, 0.12, generator=generator)
                    module.bias.normal_(0, 0.05, generator=generator)

    def forward(self, image):
        # A strong, texture-dependent change of colour: far from an identity, yet it keeps the picture recognisable.
        return torch.sigmoid((image - 0.5) * 3 + self.decode(self.encode(image)))


class ResnetBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=True), nn.InstanceNorm2d(dim), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=True), nn.InstanceNorm2d(dim),
        )

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    """pytorch-CycleGAN-and-pix2pix's ResnetGenerator(3, 3, ngf=64, norm='instance', use_dropout=False, n_blocks=9)."""

    def __init__(self, ngf=64, n_blocks=9):
        super().__init__()
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(3, ngf, 7, bias=True), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        for i in range(2):
            mult = 2**i
            layers += [nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=True), nn.InstanceNorm2d(ngf * mult * 2), nn.ReLU(True)]
        layers += [ResnetBlock(ngf * 4) for _ in range(n_blocks)]
        for i in range(2):
            mult = 2 ** (2 - i)
            layers += [
                nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 3, stride=2, padding=1, output_padding=1, bias=True),
                nn.InstanceNorm2d(ngf * mult // 2), nn.ReLU(True),
            ]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, 3, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class ZeroToOne(nn.Module):
    """The importer's wrapper: RGB 0..1 in and out around a generator that works in [-1,1]."""

    def __init__(self, generator):
        super().__init__()
        self.generator = generator

    def forward(self, image):
        return (self.generator(image * 2 - 1) + 1) / 2


def resnet_generator():
    if os.path.exists(os.path.join(NETWORKS, 'cyclegan_networks.py')):
        sys.path.insert(0, NETWORKS)
        import cyclegan_networks
        return cyclegan_networks.ResnetGenerator()
    return ResnetGenerator()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('kind', choices=['tiny', 'resnet', 'checkpoint'])
    parser.add_argument('out')
    parser.add_argument('--seed', type=int, default=8)
    parser.add_argument('--output-name', default='styled')
    args = parser.parse_args()
    generator = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    if args.kind == 'checkpoint':
        sys.path.insert(0, NETWORKS)
        import cyclegan_networks
        network = cyclegan_networks.init_weights(cyclegan_networks.ResnetGenerator(), generator=generator)
        torch.save(network.state_dict(), args.out)
        return
    module = TinyGenerator(generator) if args.kind == 'tiny' else ZeroToOne(resnet_generator())
    module.eval()
    sample = torch.rand(1, 3, 64, 96, generator=generator)
    with torch.no_grad():
        torch.onnx.export(module, (sample,), args.out, input_names=['image'], output_names=[args.output_name], opset_version=17,
                          dynamic_axes={'image': {2: 'height', 3: 'width'}, args.output_name: {2: 'height', 3: 'width'}})


if __name__ == '__main__':
    main()
