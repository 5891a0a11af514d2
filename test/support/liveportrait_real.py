"""LivePortrait's real architecture with seeded random weights, for parity tests and benchmarks.

The network classes come from the upstream snapshot at test time (UPSTREAM/src/modules, configured by
UPSTREAM/src/config/models.yaml, as its utils/helper.py load_model does); nothing of it is copied here. Weights are
PyTorch's default initialisation under a fixed seed, with the motion extractor's heads and the last layer of each
stitching/retargeting MLP rescaled so that poses, keypoints, scale and deltas fall in the ranges the trained networks
give (a head pose of some degrees, keypoints within about +-0.5, scale near 1, deltas of a few hundredths).

  build(upstream, seed) -> dict of eval-mode modules: F, M, W, G, S, R_eye, R_lip
  python3 liveportrait_real.py export UPSTREAM OUT_DIR [--seed N]
      writes the six ONNX files of the catalog's LivePortrait entry (fp32, opset 16), W and G fused as warping_spade.
"""
import argparse
import contextlib
import os
import sys

import torch
import yaml


def import_upstream(upstream):
    if upstream not in sys.path:
        sys.path.insert(0, upstream)
    import src.modules.appearance_feature_extractor as f
    import src.modules.motion_extractor as m
    import src.modules.spade_generator as g
    import src.modules.stitching_retargeting_network as s
    import src.modules.warping_network as w
    return f, m, w, g, s


def build(upstream, seed):
    f, m, w, g, s = import_upstream(upstream)
    with open(os.path.join(upstream, 'src', 'config', 'models.yaml')) as file:
        params = yaml.safe_load(file)['model_params']
    modules = {}
    # Each module from its own seed, so that one module's construction never shifts another's weights.
    torch.manual_seed(seed)
    modules['F'] = f.AppearanceFeatureExtractor(**params['appearance_feature_extractor_params'])
    torch.manual_seed(seed + 1)
    modules['M'] = m.MotionExtractor(**params['motion_extractor_params'])
    torch.manual_seed(seed + 2)
    modules['W'] = w.WarpingNetwork(**params['warping_module_params'])
    torch.manual_seed(seed + 3)
    modules['G'] = g.SPADEDecoder(**params['spade_generator_params'])
    stitching = params['stitching_retargeting_module_params']
    for offset, (key, name) in enumerate((('S', 'stitching'), ('R_lip', 'lip'), ('R_eye', 'eye'))):
        torch.manual_seed(seed + 4 + offset)
        modules[key] = s.StitchingRetargetingNetwork(**stitching[name])
    with torch.no_grad():
        detector = modules['M'].detector
        # ConvNeXt's heads start at std 0.02: logits of a few tenths (every pose 0 degrees) and a scale near 0.
        for head, gain in (('fc_pitch', 6.0), ('fc_yaw', 6.0), ('fc_roll', 3.0), ('fc_kp', 0.6), ('fc_exp', 0.08),
                           ('fc_t', 0.1), ('fc_scale', 0.1)):
            getattr(detector, head).weight.mul_(gain)
        detector.fc_scale.bias.fill_(1.0)
        for key in ('S', 'R_lip', 'R_eye'):
            last = [layer for layer in modules[key].modules() if isinstance(layer, torch.nn.Linear)][-1]
            last.weight.mul_(0.05)
            last.bias.mul_(0.05)
    for module in modules.values():
        module.eval()
    return modules


class MotionOutputs(torch.nn.Module):
    """M with its dict as the tuple of FasterLivePortrait's ONNX outputs."""

    def __init__(self, motion):
        super().__init__()
        self.motion = motion

    def forward(self, img):
        out = self.motion(img)
        return out['pitch'], out['yaw'], out['roll'], out['t'], out['exp'], out['scale'], out['kp']


class WarpingSpade(torch.nn.Module):
    """W then G, as FasterLivePortrait's warping_spade.onnx: feature_3d, kp_driving, kp_source -> out."""

    def __init__(self, warp, generator):
        super().__init__()
        self.warp = warp
        self.generator = generator

    def forward(self, feature_3d, kp_driving, kp_source):
        return self.generator(feature=self.warp(feature_3d, kp_driving=kp_driving, kp_source=kp_source)['out'])


def prepare_generator(generator):
    """G as it is exported (the fused file and the split one alike), computing what it computed before."""
    # In eval mode spectral norm divides by a sigma from its stored vectors; removing it bakes in that same weight and
    # drops the power-iteration ops from the graph.
    for layer in generator.modules():
        if hasattr(layer, 'weight_orig'):
            torch.nn.utils.remove_spectral_norm(layer)
    # torch 1.13's ONNX export loses the shapes after W's 5-D GridSamples and then cannot export G's parameter-free
    # instance norms ("unknown channel size"): given weights of one and biases of zero they compute the same and
    # export without knowing it.
    for layer in generator.modules():
        if isinstance(layer, torch.nn.InstanceNorm2d) and not layer.affine:
            layer.affine = True
            layer.weight = torch.nn.Parameter(torch.ones(layer.num_features))
            layer.bias = torch.nn.Parameter(torch.zeros(layer.num_features))


def wrapper_for(modules):
    """The upstream LivePortraitWrapper around given modules, fp32 on the CPU, without its checkpoint loading
    (import_upstream first)."""
    from src.live_portrait_wrapper import LivePortraitWrapper

    class Config:  # the InferenceConfig field the wrapper's methods read
        flag_use_half_precision = False

    wrapper = LivePortraitWrapper.__new__(LivePortraitWrapper)
    wrapper.inference_cfg, wrapper.device, wrapper.compile = Config(), 'cpu', False
    # fp32 throughout, as on 'mps' (torch 1.13's CPU autocast refuses float16 even when disabled)
    wrapper.inference_ctx = contextlib.nullcontext
    wrapper.appearance_feature_extractor, wrapper.motion_extractor = modules['F'], modules['M']
    wrapper.warping_module, wrapper.spade_generator = modules['W'], modules['G']
    wrapper.stitching_retargeting_module = {'stitching': modules['S'], 'lip': modules['R_lip'], 'eye': modules['R_eye']}
    return wrapper


def export(module, path, inputs, input_names, output_names):
    with torch.no_grad():
        torch.onnx.export(module, inputs, path, input_names=input_names, output_names=output_names, opset_version=16,
                          do_constant_folding=True)


def export_all(upstream, out, seed):
    modules = build(upstream, seed)
    os.makedirs(out, exist_ok=True)
    path = lambda name: os.path.join(out, name)
    img = torch.rand(1, 3, 256, 256)
    export(modules['F'], path('appearance_feature_extractor.onnx'), (img,), ['img'], ['output'])
    export(MotionOutputs(modules['M']), path('motion_extractor.onnx'), (img,), ['img'],
           ['pitch', 'yaw', 'roll', 't', 'exp', 'scale', 'kp'])
    for key, name, size in (('S', 'stitching', 126), ('R_eye', 'stitching_eye', 66), ('R_lip', 'stitching_lip', 65)):
        export(modules[key], path(f'{name}.onnx'), (torch.rand(1, size),), ['input'], ['output'])

    prepare_generator(modules['G'])
    kp = (torch.rand(1, 21, 3) - 0.5) * 0.5
    export(WarpingSpade(modules['W'], modules['G']), path('warping_spade.onnx'),
           (torch.rand(1, 32, 16, 64, 64), kp, kp), ['feature_3d', 'kp_driving', 'kp_source'], ['out'])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('command', choices=['export'])
    parser.add_argument('upstream')
    parser.add_argument('out')
    parser.add_argument('--seed', type=int, default=2024)
    args = parser.parse_args()
    torch.set_num_threads(2)
    export_all(os.path.abspath(args.upstream), args.out, args.seed)


if __name__ == '__main__':
    main()
