import { describe, expect, it } from 'vitest';
import { encodeModel, makeModel, makeNode, valueInfo } from '../onnx/onnx-graph.ts';
import { probeModel, resolveProvider, webgpuProblem } from './execution-providers.ts';

const cpuOnly = { available: ['cpu'], cudaMissing: 'no NVIDIA GPU driver found', webgpuMissing: 'no Vulkan driver is installed' };

describe('execution providers', () => {
  it('auto takes CUDA, then WebGPU, then the CPU', () => {
    expect(resolveProvider('auto', { available: ['cpu', 'cuda', 'webgpu'] })).toBe('cuda');
    expect(resolveProvider('auto', { available: ['cpu', 'webgpu'] })).toBe('webgpu');
    expect(resolveProvider('auto', cpuOnly)).toBe('cpu');
    expect(resolveProvider('cpu', { available: ['cpu', 'cuda', 'webgpu'] })).toBe('cpu');
  });

  it('refuses WebGPU where it cannot run, in one sentence with the reason', () => {
    expect(() => resolveProvider('webgpu', cpuOnly)).toThrow(/^--provider webgpu: WebGPU cannot be used: no Vulkan driver is installed; use --provider cpu or auto$/);
    expect(resolveProvider('webgpu', { available: ['cpu', 'webgpu'] })).toBe('webgpu');
  });

  it("finds onnxruntime-node's bundled WebGPU provider and says what this machine lacks for it", () => {
    // This machine (and CI) has no GPU: a reason naming the Vulkan driver; where a GPU driver is installed, none.
    const problem = webgpuProblem();
    if (problem !== undefined) expect(problem).toMatch(/Vulkan driver|lavapipe/);
  });

  it("probes WebGPU with onnx-graph's one-Relu model, written out so the CLI's start does not load protobufjs", () => {
    const relu = makeModel({ nodes: [makeNode('Relu', ['x'], ['y'])], inputs: [valueInfo('x', 'float32', [1, 4])], outputs: [valueInfo('y', 'float32', [1, 4])] });
    expect(probeModel).toBe(Buffer.from(encodeModel(relu)).toString('base64'));
  });
});
