"""Stand-ins for LivePortrait's six ONNX modules, for tests and benchmarks.

Each has exactly the published export's input and output names, shapes and element types (FasterLivePortrait's
file layout, as models/catalog.json describes it), small weights, and behaviour simple enough to check by eye:
the appearance features hold the crop's colours (space-to-depth at 128x128), the warping stand-in moves them by
the keypoints with a real 5-D GridSample and decodes them back to 512x512, the motion extractor reads a few
coarse image statistics, and the stitching/retargeting MLPs give small deltas. stitching_lip is exported with
float16 inputs and outputs, as half-precision exports have, so the float16 path runs too.

Usage: python3 liveportrait_standins.py OUT_DIR [--seed N]
"""
import argparse
import os

import torch
import torch.nn.functional as F
from torch import nn

KP = 21


class AppearanceFeatures(nn.Module):
    def __init__(self):
        super().__init__()
        self.mix = nn.Conv2d(3, 20, 1)
        with torch.no_grad():
            self.mix.bias.zero_()

    def forward(self, img):
        colour = F.pixel_unshuffle(F.avg_pool2d(img, 2), 2)  # [1,12,64,64]: the crop at 128x128
        extra = torch.tanh(self.mix(F.avg_pool2d(img, 4))) * 0.1
        volume = torch.cat([colour, extra], 1).unsqueeze(2)  # [1,32,1,64,64]
        return volume.repeat(1, 1, 16, 1, 1)


class MotionExtractor(nn.Module):
    def __init__(self, generator):
        super().__init__()
        self.head = nn.Linear(3 * 8 * 8, 66 * 3 + 3 + 63 + 1 + 63)
        with torch.no_grad():
            self.head.weight.normal_(0, 0.05, generator=generator)
            bias = torch.zeros(66 * 3 + 3 + 63 + 1 + 63)
            bins = torch.arange(66, dtype=torch.float32)
            bump = -((bins - 32.5) ** 2) / (2 * 1.5**2)  # peaked at 0 degrees
            bias[0:198] = bump.repeat(3)
            bias[264] = 1.0  # scale
            # canonical keypoints spread over the face in normalized crop coordinates
            gy, gx = torch.meshgrid(torch.linspace(-0.45, 0.45, 7), torch.linspace(-0.4, 0.4, 3), indexing='ij')
            kp = torch.stack([gx.flatten(), gy.flatten(), torch.zeros(KP)], 1)
            bias[265:] = kp.flatten()
            self.head.bias.copy_(bias)

    def forward(self, img):
        stats = F.adaptive_avg_pool2d(img, 8).flatten(1) - 0.5
        out = self.head(stats)
        return (out[:, 0:66], out[:, 66:132], out[:, 132:198], out[:, 198:201] * 0.05, out[:, 201:264] * 0.02,
                out[:, 264:265], out[:, 265:328])


class WarpingSpade(nn.Module):
    """Sparse motion from the keypoints, a 5-D GridSample of the feature volume, and a decoder back to RGB."""

    def __init__(self):
        super().__init__()
        self.refine = nn.Conv2d(20, 3, 3, padding=1)
        with torch.no_grad():
            self.refine.weight.mul_(0.01)
            self.refine.bias.zero_()
        z, y, x = torch.meshgrid(*(torch.linspace(-1 + 1 / n, 1 - 1 / n, n) for n in (16, 64, 64)), indexing='ij')
        self.register_buffer('identity', torch.stack([x, y, z], -1).unsqueeze(0))  # [1,16,64,64,3]

    def forward(self, feature_3d, kp_driving, kp_source):
        # Weights by image-plane distance, so the motion is worked out on one 64x64 slice and shared by all 16.
        plane = self.identity[:, :1, :, :, :2].unsqueeze(4)  # [1,1,64,64,1,2]
        offset = plane - kp_driving[..., :2].view(1, 1, 1, 1, KP, 2)
        weight = torch.exp(-(offset ** 2).sum(-1) / (2 * 0.04))  # [1,1,64,64,21]
        motion = (weight.unsqueeze(-1) * (kp_source - kp_driving).view(1, 1, 1, 1, KP, 3)).sum(4)
        motion = motion / (weight.sum(4, keepdim=True) + 0.2)  # [1,1,64,64,3]
        grid = self.identity + motion
        warped = F.grid_sample(feature_3d, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
        # ONNX shape inference knows only 4-D GridSample at opset 16: a reshape to the known size restores the shapes
        features = warped.reshape(1, 32, 16, 64, 64).mean(2)  # [1,32,64,64]
        colour = F.pixel_shuffle(features[:, :12], 2)  # [1,3,128,128]
        colour = F.interpolate(colour, size=(512, 512), mode='bilinear', align_corners=False)
        detail = F.interpolate(self.refine(features[:, 12:]), size=(512, 512), mode='bilinear', align_corners=False)
        # 0..1 like the real generator's sigmoid; Relu keeps the shape in the export (Clip's gets lost)
        return 1 - F.relu(1 - F.relu(colour + detail))


class SmallMlp(nn.Module):
    def __init__(self, inputs, outputs, generator, half=False):
        super().__init__()
        self.layer = nn.Linear(inputs, outputs)
        self.half_io = half
        with torch.no_grad():
            self.layer.weight.normal_(0, 1e-3, generator=generator)
            self.layer.bias.zero_()

    def forward(self, x):
        if self.half_io:
            return self.layer(x.float()).half()
        return self.layer(x)


def export(module, path, inputs, input_names, output_names):
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, inputs, path, input_names=input_names, output_names=output_names, opset_version=16,
                          do_constant_folding=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('out')
    parser.add_argument('--seed', type=int, default=7)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    generator = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    img = torch.rand(1, 3, 256, 256)
    out = lambda name: os.path.join(args.out, name)
    export(AppearanceFeatures(), out('appearance_feature_extractor.onnx'), (img,), ['img'], ['output'])
    export(MotionExtractor(generator), out('motion_extractor.onnx'), (img,), ['img'],
           ['pitch', 'yaw', 'roll', 't', 'exp', 'scale', 'kp'])
    kp = torch.rand(1, KP, 3) - 0.5
    export(WarpingSpade(), out('warping_spade.onnx'), (torch.rand(1, 32, 16, 64, 64), kp, kp),
           ['feature_3d', 'kp_driving', 'kp_source'], ['out'])
    export(SmallMlp(126, 65, generator), out('stitching.onnx'), (torch.rand(1, 126),), ['input'], ['output'])
    export(SmallMlp(66, 63, generator), out('stitching_eye.onnx'), (torch.rand(1, 66),), ['input'], ['output'])
    export(SmallMlp(65, 63, generator, half=True), out('stitching_lip.onnx'), (torch.rand(1, 65).half(),), ['input'],
           ['output'])


if __name__ == '__main__':
    main()
