import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testPython as python } from '../../support/python-torch.ts';

/**
 * Saves, in the folder argv[1]: latest_net_G.pth (unet_128, ngf 8, batch norm and dropout: pix2pix's defaults),
 * instance_net_G.pth (unet_256, ngf 4, instance norm), wrong.pth (the outermost up-convolution renamed), input.f32
 * (a seeded [1,3,128,128] sketch in 0..1) and what the authors' network draws from it, between 0..1 pictures, as
 * their test.py runs it (batch norm with the picture's statistics: picture.f32) and with --eval (running.f32);
 * dropout is off in both, as the export leaves it out.
 */
const authorsCode = `
import functools, sys
import torch
import torch.nn as nn


class UnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, num_downs, ngf=64, norm_layer=nn.BatchNorm2d, use_dropout=False):
        super(UnetGenerator, self).__init__()
        unet_block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, input_nc=None, submodule=None, norm_layer=norm_layer, innermost=True)
        for i in range(num_downs - 5):
            unet_block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, input_nc=None, submodule=unet_block, norm_layer=norm_layer, use_dropout=use_dropout)
        unet_block = UnetSkipConnectionBlock(ngf * 4, ngf * 8, input_nc=None, submodule=unet_block, norm_layer=norm_layer)
        unet_block = UnetSkipConnectionBlock(ngf * 2, ngf * 4, input_nc=None, submodule=unet_block, norm_layer=norm_layer)
        unet_block = UnetSkipConnectionBlock(ngf, ngf * 2, input_nc=None, submodule=unet_block, norm_layer=norm_layer)
        self.model = UnetSkipConnectionBlock(output_nc, ngf, input_nc=input_nc, submodule=unet_block, outermost=True, norm_layer=norm_layer)

    def forward(self, input):
        return self.model(input)


class UnetSkipConnectionBlock(nn.Module):
    def __init__(self, outer_nc, inner_nc, input_nc=None, submodule=None, outermost=False, innermost=False, norm_layer=nn.BatchNorm2d, use_dropout=False):
        super(UnetSkipConnectionBlock, self).__init__()
        self.outermost = outermost
        if type(norm_layer) == functools.partial:
            use_bias = norm_layer.func == nn.InstanceNorm2d
        else:
            use_bias = norm_layer == nn.InstanceNorm2d
        if input_nc is None:
            input_nc = outer_nc
        downconv = nn.Conv2d(input_nc, inner_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
        downrelu = nn.LeakyReLU(0.2, True)
        downnorm = norm_layer(inner_nc)
        uprelu = nn.ReLU(True)
        upnorm = norm_layer(outer_nc)
        if outermost:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1)
            down = [downconv]
            up = [uprelu, upconv, nn.Tanh()]
            model = down + [submodule] + up
        elif innermost:
            upconv = nn.ConvTranspose2d(inner_nc, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
            down = [downrelu, downconv]
            up = [uprelu, upconv, upnorm]
            model = down + up
        else:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
            down = [downrelu, downconv, downnorm]
            up = [uprelu, upconv, upnorm]
            if use_dropout:
                model = down + [submodule] + up + [nn.Dropout(0.5)]
            else:
                model = down + [submodule] + up
        self.model = nn.Sequential(*model)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        else:
            return torch.cat([x, self.model(x)], 1)


folder = sys.argv[1]
torch.set_num_threads(2)
torch.manual_seed(19)
batch_norm = functools.partial(nn.BatchNorm2d, affine=True, track_running_stats=True)
net = UnetGenerator(3, 3, 7, ngf=8, norm_layer=batch_norm, use_dropout=True)
for module in net.modules():
    if isinstance(module, nn.BatchNorm2d):
        module.weight.data.uniform_(0.5, 1.5)
        module.bias.data.uniform_(-0.2, 0.2)
        module.running_mean.uniform_(-0.1, 0.1)
        module.running_var.uniform_(0.5, 2.0)
state = net.state_dict()
torch.save(state, f'{folder}/latest_net_G.pth')
torch.save({key.replace('model.model.3.', 'model.model.4.'): value for key, value in state.items()}, f'{folder}/wrong.pth')
instance = UnetGenerator(3, 3, 8, ngf=4, norm_layer=functools.partial(nn.InstanceNorm2d, affine=False, track_running_stats=False))
torch.save(instance.state_dict(), f'{folder}/instance_net_G.pth')

sketch = torch.rand(1, 3, 128, 128, generator=torch.Generator().manual_seed(5))
sketch.numpy().astype('<f4').tofile(f'{folder}/input.f32')
# Running statistics first: a forward pass in train mode updates them.
for name, train in (('running', False), ('picture', True)):
    net.train(train)
    for module in net.modules():
        if isinstance(module, nn.Dropout):
            module.eval()
    with torch.no_grad():
        face = (net(sketch * 2 - 1) + 1) / 2
    face.numpy().astype('<f4').tofile(f'{folder}/{name}.f32')
`;

/** Writes the authors' checkpoints and pictures (above) into `folder` with PyTorch. */
export function saveAuthorsCheckpoints(folder: string): void {
  writeFileSync(join(folder, 'authors.py'), authorsCode);
  execFileSync(python, [join(folder, 'authors.py'), folder], { stdio: ['ignore', 'ignore', 'pipe'] });
}
