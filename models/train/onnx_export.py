"""
The ONNX export every trainer and importer makes, and what the onnxruntime check reads (models/train/export-check.ts):
each model exported whole or not at all, with PyTorch's outputs on one seeded input beside it. Needs PyTorch only.
"""

import inspect
import json
import os
import warnings

import torch

OPSET = 17


def atomic_write(path, write):
    """Writes through a temporary file and a rename: a stop at any moment leaves the old file or the new one."""
    temporary = f'{path}.{os.getpid()}.tmp'
    with open(temporary, 'wb') as file:
        write(file)
    os.replace(temporary, path)


def write_json(path, value):
    atomic_write(path, lambda file: file.write((json.dumps(value, indent=2, ensure_ascii=False) + '\n').encode()))


# Newer PyTorch exports through dynamo by default, which needs onnxscript; the TorchScript exporter needs nothing more.
LEGACY_EXPORTER = {'dynamo': False} if 'dynamo' in inspect.signature(torch.onnx.export).parameters else {}


def export_checked(out, sample, input_name, exports):
    """Each (file, module, output names) of `exports` to ONNX (whole or not at all), and what PyTorch computes from
    `sample` with each, for the onnxruntime check (models/train/export-check.ts): export-check.json and raw
    little-endian float32 files in export-check/."""
    check_folder = os.path.join(out, 'export-check')
    os.makedirs(check_folder, exist_ok=True)
    sample.numpy().astype('<f4').tofile(os.path.join(check_folder, 'input.f32'))
    check = {'format': 'vivify.deepfakes-export-check', 'version': 1,
             'input': {'name': input_name, 'file': 'export-check/input.f32', 'shape': list(sample.shape)}, 'models': []}
    for file, module, output_names in exports:
        path = os.path.join(out, file)
        temporary = f'{path}.{os.getpid()}.tmp'
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter('ignore')  # tracer notes about InstanceNorm without running stats: expected here
            torch.onnx.export(module, sample, temporary, input_names=[input_name], output_names=output_names, opset_version=OPSET,
                              do_constant_folding=True, **LEGACY_EXPORTER)
            os.replace(temporary, path)
            outputs = module(sample)
        outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
        stem = file[:-len('.onnx')]
        entry = {'file': file, 'outputs': []}
        for name, tensor in zip(output_names, outputs):
            relative = f'export-check/{stem}.{name}.f32'
            tensor.numpy().astype('<f4').tofile(os.path.join(out, relative))
            entry['outputs'].append({'name': name, 'file': relative, 'shape': list(tensor.shape)})
        check['models'].append(entry)
    write_json(os.path.join(out, 'export-check.json'), check)
