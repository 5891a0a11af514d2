"""
CycleGAN's networks (Zhu, Park, Isola and Efros 2017), as the authors' pytorch-CycleGAN-and-pix2pix builds them for
the published photo->painting models: the ResNet generator (9 residual blocks, instance norm, reflection padding,
no dropout) and the 70x70 PatchGAN discriminator. Written for Vivify; only the layout follows the authors' networks.py,
index by index, so that their checkpoints (`latest_net_G.pth`, `style_monet.pth`, ...) load as they are.

Both keep every layer in one nn.Sequential named `model`, which is what fixes the state-dict keys:
generator `model.1.weight` (the 7x7 stem), `model.4.*` and `model.7.*` (downsampling), `model.10.conv_block.1.*` to
`model.18.conv_block.5.*` (the residual blocks), `model.19.*` and `model.22.*` (upsampling), `model.26.*` (the 7x7
head). Instance norm has no affine parameters and no running statistics, so it adds no keys.

Needs PyTorch only.
"""

import torch
import torch.nn as nn

# The published style models: 3 channels in and out, 64 filters in the first layer, 9 residual blocks.
NGF = 64
NDF = 64
N_BLOCKS = 9
N_DOWNSAMPLING = 2


class CheckpointProblem(Exception):
    """A checkpoint that is not a CycleGAN ResNet generator: one sentence for the user (exit status 2)."""


def instance_norm(channels):
    # affine=False, track_running_stats=False: the authors' `--norm instance`.
    return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)


class ResnetBlock(nn.Module):
    """x + conv_block(x); conv_block = pad, 3x3 conv, norm, ReLU, pad, 3x3 conv, norm (keys conv_block.1 and .5)."""

    def __init__(self, channels):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, kernel_size=3, padding=0, bias=True),
            instance_norm(channels),
            nn.ReLU(True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, kernel_size=3, padding=0, bias=True),
            instance_norm(channels),
        )

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    """RGB in -1..1 -> RGB in -1..1, same size where H and W are multiples of 4 (else the output is rounded up to them).

    Convolutions carry biases: with instance norm the authors set use_bias=True.
    """

    def __init__(self, input_nc=3, output_nc=3, ngf=NGF, n_blocks=N_BLOCKS):
        super().__init__()
        layers = [
            nn.ReflectionPad2d(3),                                               # 0
            nn.Conv2d(input_nc, ngf, kernel_size=7, padding=0, bias=True),       # 1
            instance_norm(ngf),                                                  # 2
            nn.ReLU(True),                                                       # 3
        ]
        for i in range(N_DOWNSAMPLING):                                          # 4-6, 7-9
            mult = 2 ** i
            layers += [
                nn.Conv2d(ngf * mult, ngf * mult * 2, kernel_size=3, stride=2, padding=1, bias=True),
                instance_norm(ngf * mult * 2),
                nn.ReLU(True),
            ]
        mult = 2 ** N_DOWNSAMPLING
        layers += [ResnetBlock(ngf * mult) for _ in range(n_blocks)]             # 10 ... 9 + n_blocks
        for i in range(N_DOWNSAMPLING):                                          # then two of 3 layers each
            mult = 2 ** (N_DOWNSAMPLING - i)
            layers += [
                nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, kernel_size=3, stride=2, padding=1, output_padding=1, bias=True),
                instance_norm(ngf * mult // 2),
                nn.ReLU(True),
            ]
        layers += [
            nn.ReflectionPad2d(3),
            nn.Conv2d(ngf, output_nc, kernel_size=7, padding=0),
            nn.Tanh(),
        ]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    """PatchGAN: each output logit judges a 70x70 patch of the input (n_layers 3, 4x4 convs, LeakyReLU 0.2)."""

    def __init__(self, input_nc=3, ndf=NDF, n_layers=3):
        super().__init__()
        kernel, padding = 4, 1
        layers = [nn.Conv2d(input_nc, ndf, kernel_size=kernel, stride=2, padding=padding), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            previous, mult = mult, min(2 ** n, 8)
            layers += [
                nn.Conv2d(ndf * previous, ndf * mult, kernel_size=kernel, stride=2, padding=padding, bias=True),
                instance_norm(ndf * mult),
                nn.LeakyReLU(0.2, True),
            ]
        previous, mult = mult, min(2 ** n_layers, 8)
        layers += [
            nn.Conv2d(ndf * previous, ndf * mult, kernel_size=kernel, stride=1, padding=padding, bias=True),
            instance_norm(ndf * mult),
            nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * mult, 1, kernel_size=kernel, stride=1, padding=padding),
        ]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def init_weights(network, gain=0.02, generator=None):
    """The authors' `--init_type normal`: conv weights from N(0, gain), biases 0 (instance norm has no weights)."""
    for module in network.modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
            with torch.no_grad():
                module.weight.normal_(0.0, gain, generator=generator)
                if module.bias is not None:
                    module.bias.zero_()
    return network


# ---------------------------------------------------------------------------------------------------------------------
# The authors' checkpoints

def read_state_dict(path, kind='a CycleGAN generator checkpoint'):
    """The tensors of a checkpoint file, without running any code it may carry (weights_only: a plain state dict).
    `kind` names what it should be, for the sentence that refuses it."""
    try:
        data = torch.load(path, map_location='cpu', weights_only=True)
    except FileNotFoundError:
        raise CheckpointProblem(f'{path} does not exist')
    except IsADirectoryError:
        raise CheckpointProblem(f'{path} is a folder, not a checkpoint file')
    except Exception as error:  # pickle, zip and torch errors all mean the same thing here
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CheckpointProblem(
            f'{path} cannot be read as a PyTorch state dict ({first[:200]}); Vivify reads checkpoints saved with '
            'torch.save(net.state_dict(), path), as the authors publish them, and never unpickles whole objects')
    # A training checkpoint that wraps the state dict.
    if isinstance(data, dict) and not any(torch.is_tensor(value) for value in data.values()):
        for key in ('state_dict', 'netG_A', 'netG', 'model'):
            if isinstance(data.get(key), dict):
                data = data[key]
                break
    if not isinstance(data, dict) or not data or not all(torch.is_tensor(value) for value in data.values()):
        raise CheckpointProblem(f'{path} holds no state dict of tensors ({kind} is one, as latest_net_G.pth)')
    return data


def norm_indices(n_blocks):
    """Where the generator's instance norms sit: their keys are running statistics old PyTorch versions saved."""
    up = 10 + n_blocks
    top = [f'model.{i}.' for i in (2, 5, 8, up + 1, up + 4)]
    return top + [f'model.{i}.conv_block.{j}.' for i in range(10, up) for j in (2, 6)]


def strip_prefixes(state):
    """`module.` (nn.DataParallel's) removed from every key that has it."""
    return {key[len('module.'):] if key.startswith('module.') else key: value for key, value in state.items()}


def stale_norm_keys(state, n_blocks):
    """Instance norms' running_mean, running_var and num_batches_tracked: the authors drop them on load, as here."""
    prefixes = norm_indices(n_blocks)
    stats = ('running_mean', 'running_var', 'num_batches_tracked')
    return sorted(key for key in state if key.rsplit('.', 1)[-1] in stats and any(key.startswith(prefix) for prefix in prefixes))


def without_dropout(state):
    """A generator trained with --use_dropout puts Dropout at conv_block.4, moving the second conv to .5 -> .6 (and its
    stale norm statistics .6 -> .7). Dropout does nothing at inference, so its weights load into the layout here."""
    blocks = [key for key in state if '.conv_block.' in key]
    if not blocks or any('.conv_block.5.' in key for key in blocks) or not any('.conv_block.6.weight' in key for key in blocks):
        return state, False
    renamed = {}
    for key, value in state.items():
        if '.conv_block.6.' in key:
            key = key.replace('.conv_block.6.', '.conv_block.5.')
        elif '.conv_block.7.' in key:
            key = key.replace('.conv_block.7.', '.conv_block.6.')
        renamed[key] = value
    return renamed, True


def block_count(state):
    """The number of residual blocks the keys describe: 9 for the published models; 6 for the authors' 128 px ones."""
    indices = {int(key.split('.')[1]) for key in state if key.startswith('model.') and '.conv_block.' in key and key.split('.')[1].isdigit()}
    for n_blocks in (N_BLOCKS, 6, len(indices)):
        if n_blocks > 0 and indices == set(range(10, 10 + n_blocks)):
            return n_blocks
    return N_BLOCKS


def key_list(keys, limit=8):
    keys = sorted(keys, key=natural_key)
    shown = ', '.join(keys[:limit])
    return shown + (f' and {len(keys) - limit} more' if len(keys) > limit else '')


def plural(count, word):
    return f'{count} {word}' if count == 1 else f'{count} {word}s'


def natural_key(key):
    return [int(part) if part.isdigit() else part for part in key.split('.')]


def check_state(path, state, expected, kind, layout, shapes):
    """Refuses a state dict without exactly the keys and shapes of `expected` (a network's own state dict): one
    CheckpointProblem naming the keys missing and not expected, or the shapes that differ."""
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f'{plural(len(missing), "key")} missing ({key_list(missing)})')
        if unexpected:
            parts.append(f'{plural(len(unexpected), "key")} not expected ({key_list(unexpected)})')
        raise CheckpointProblem(f'{path} is not {kind} {layout}: {" and ".join(parts)}')
    wrong = [f'{key} is {list(state[key].shape)}, not {list(value.shape)}' for key, value in expected.items() if state[key].shape != value.shape]
    if wrong:
        more = f' and {len(wrong) - 4} more' if len(wrong) > 4 else ''
        raise CheckpointProblem(f'{path} has the key layout of {kind}, but not its shapes ({shapes}): {"; ".join(wrong[:4])}{more}')


def load_published_generator(path):
    """A ResnetGenerator with a published checkpoint's weights, in eval mode, and the keys that were ignored.

    Accepts the authors' key layout (`model.1.weight` ...), with or without a `module.` prefix, also as trained with
    dropout, and ignores the instance norms' running statistics that checkpoints saved by old PyTorch versions carry. Anything else missing,
    unexpected or of another shape is refused with a CheckpointProblem that names the keys.
    """
    state, _ = without_dropout(strip_prefixes(read_state_dict(path)))
    n_blocks = block_count(state)
    ignored = stale_norm_keys(state, n_blocks)
    for key in ignored:
        del state[key]
    generator = ResnetGenerator(n_blocks=n_blocks)
    check_state(path, state, generator.state_dict(), 'a CycleGAN ResNet generator',
                f'with the authors\' key layout (ngf 64, {n_blocks} residual blocks, instance norm)', 'ngf 64, 3 colour channels')
    generator.load_state_dict({key: value.float() for key, value in state.items()})
    return generator.eval(), ignored
