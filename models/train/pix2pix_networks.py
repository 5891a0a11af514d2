"""
pix2pix's networks (Isola, Zhu, Zhou and Efros 2017) for Vivify: the U-Net generator exactly as the authors'
pytorch-CycleGAN-and-pix2pix nests it (UnetSkipConnectionBlock inside UnetSkipConnectionBlock), so that their
checkpoints (`latest_net_G.pth` of unet_256 or unet_128) load as they are, and pix2pixHD's multi-scale PatchGAN
(Wang et al. 2018) built from CycleGAN's 70x70 PatchGAN (cyclegan_networks.py).

The nesting fixes the state-dict keys: the outermost block is `model.model` = [downconv 0, block 1, ReLU 2, upconv 3,
Tanh 4]; a middle block's `model` = [LeakyReLU 0, downconv 1, downnorm 2, block 3, ReLU 4, upconv 5, upnorm 6
(, Dropout 7)]; the innermost's = [LeakyReLU 0, downconv 1, ReLU 2, upconv 3, upnorm 4]. So the unet_256 innermost
downconv is `model.model.1.model.3.model.3.model.3.model.3.model.3.model.3.model.1.weight`. The innermost step has no
norm on its way down: its output is 1x1, where instance norm would zero it (as the authors' code has it).

Also the export both `vivify train pix2pix` and `vivify models import pix2pix` make. Needs PyTorch only.
"""

import copy
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from cyclegan_import import UnitRange
from cyclegan_networks import NLayerDiscriminator
from onnx_export import export_checked, write_json

# What the pix2pix-face node opens: pix2pix.onnx (sketch in, face out) and pix2pix.json (its size and history).
FORMAT = 'vivify.pix2pix'
GENERATOR_FILE = 'pix2pix.onnx'
METADATA_FILE = 'pix2pix.json'
INPUT_NAME = 'sketch'
OUTPUT_NAME = 'face'


def norm_layer(kind, channels):
    """The authors' `--norm instance` (no affine, no statistics) or `--norm batch` (pix2pix's default)."""
    if kind == 'batch':
        return nn.BatchNorm2d(channels, affine=True, track_running_stats=True)
    return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)


class UnetSkipConnectionBlock(nn.Module):
    """One level of the U-Net: down, the inner levels, up, and the skip (the input beside the output)."""

    def __init__(self, outer_nc, inner_nc, input_nc=None, submodule=None, outermost=False, innermost=False, norm='instance', use_dropout=False):
        super().__init__()
        self.outermost = outermost
        # Batch norm has its own shift: the authors leave the convolutions' biases out then.
        use_bias = norm != 'batch'
        input_nc = outer_nc if input_nc is None else input_nc
        downconv = nn.Conv2d(input_nc, inner_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
        downrelu = nn.LeakyReLU(0.2, True)
        uprelu = nn.ReLU(True)
        if outermost:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1)
            model = [downconv, submodule, uprelu, upconv, nn.Tanh()]
        elif innermost:
            upconv = nn.ConvTranspose2d(inner_nc, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
            model = [downrelu, downconv, uprelu, upconv, norm_layer(norm, outer_nc)]
        else:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
            model = [downrelu, downconv, norm_layer(norm, inner_nc), submodule, uprelu, upconv, norm_layer(norm, outer_nc)]
            if use_dropout:
                model.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*model)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        return torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    """RGB -1..1 in and out at size 2^num_downs (unet_256: 8 downs; unet_128: 7), where the innermost level is 1x1.

    Built inside out as the authors do: the innermost block, num_downs - 5 blocks of ngf*8 (with dropout where asked),
    then ngf*4, ngf*2, ngf and the outermost.
    """

    def __init__(self, num_downs, ngf=64, norm='instance', use_dropout=False, input_nc=3, output_nc=3):
        super().__init__()
        if num_downs < 5:
            raise ValueError(f'a U-Net needs at least 5 downsamplings, not {num_downs}')
        block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, innermost=True, norm=norm)
        for _ in range(num_downs - 5):
            block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, submodule=block, norm=norm, use_dropout=use_dropout)
        block = UnetSkipConnectionBlock(ngf * 4, ngf * 8, submodule=block, norm=norm)
        block = UnetSkipConnectionBlock(ngf * 2, ngf * 4, submodule=block, norm=norm)
        block = UnetSkipConnectionBlock(ngf, ngf * 2, submodule=block, norm=norm)
        self.model = UnetSkipConnectionBlock(output_nc, ngf, input_nc=input_nc, submodule=block, outermost=True, norm=norm)
        self.num_downs, self.ngf, self.norm = num_downs, ngf, norm

    def forward(self, x):
        return self.model(x)


class PictureNorm(nn.Module):
    """Batch norm as the authors' test.py runs it by default (no --eval): with each picture's own statistics (a batch
    of one), the learnt scale and shift on top. That is instance norm with affine weights, which ONNX has."""

    def __init__(self, batch_norm):
        super().__init__()
        self.weight, self.bias, self.eps = batch_norm.weight, batch_norm.bias, batch_norm.eps

    def forward(self, x):
        return F.instance_norm(x, weight=self.weight, bias=self.bias, eps=self.eps)


def with_picture_norm(network):
    """`network` with every BatchNorm2d replaced by PictureNorm (in place), for an export that behaves as test.py."""
    for module in list(network.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.BatchNorm2d):
                setattr(module, name, PictureNorm(child))
    return network


class MultiscaleDiscriminator(nn.Module):
    """pix2pixHD's discriminator: `scales` PatchGANs, the first on the input, each next one on it halved again
    (3x3 average pooling, stride 2). Returns, per scale, the activations after each LeakyReLU and the logits last,
    for the adversarial loss (the logits) and the feature-matching loss (the rest)."""

    def __init__(self, input_nc, ndf, scales, n_layers=3):
        super().__init__()
        self.scales = nn.ModuleList(NLayerDiscriminator(input_nc=input_nc, ndf=ndf, n_layers=n_layers) for _ in range(scales))

    def forward(self, x):
        results = []
        for i, discriminator in enumerate(self.scales):
            if i > 0:
                x = F.avg_pool2d(x, kernel_size=3, stride=2, padding=1, count_include_pad=False)
            features, h = [], x
            for layer in discriminator.model:
                h = layer(h)
                if isinstance(layer, nn.LeakyReLU):
                    features.append(h)
            results.append(features + [h])
        return results


def export_generator(out, netG, size, meta):
    """The generator between 0..1 pictures at a fixed size (what the pix2pix-face node feeds: planar RGB, as
    runtime/style/planar-rgb.ts makes it), pix2pix.json beside it, and PyTorch's output on a seeded input for the
    onnxruntime check (export-check.json)."""
    model = UnitRange(copy.deepcopy(netG).cpu()).eval()
    sample = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1234))
    export_checked(out, sample, INPUT_NAME, [(GENERATOR_FILE, model, [OUTPUT_NAME])])
    write_json(os.path.join(out, METADATA_FILE), meta)
    return [GENERATOR_FILE]
