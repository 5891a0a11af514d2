import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';

export type ProviderRequest = 'auto' | 'cpu' | 'cuda' | 'webgpu';
export const providerRequests: readonly ProviderRequest[] = ['auto', 'cpu', 'cuda', 'webgpu'];

export interface ProviderReport {
  /** Providers onnxruntime-node can use here. */
  available: string[];
  /** Why CUDA cannot be used, where it cannot. */
  cudaMissing?: string;
  /** Why WebGPU (Dawn over Vulkan, bundled with onnxruntime-node on linux-x64) cannot be used, where it cannot. */
  webgpuMissing?: string;
  /** The NVIDIA GPU the driver reports, if any. */
  gpu?: string;
}

/**
 * What onnxruntime-node can run on here. Its CUDA provider is a separate library that its install step downloads
 * (skipped offline), and it needs an NVIDIA driver: both are checked, so "GPU not used" is never silent.
 */
export function detectProviders(): ProviderReport {
  const gpu = nvidiaGpu();
  const library = cudaProviderLibrary();
  const available = ['cpu'];
  let cudaMissing: string | undefined;
  if (!library) {
    cudaMissing =
      "onnxruntime-node's CUDA provider is not installed (with network access: ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js)";
  } else if (!gpu) {
    cudaMissing = 'no NVIDIA GPU driver found';
  } else {
    available.push('cuda');
  }
  const webgpuMissing = webgpuProblem();
  if (!webgpuMissing) available.push('webgpu');
  return { available, cudaMissing, webgpuMissing, gpu };
}

/**
 * The provider a run uses: `auto` takes CUDA where it works, then WebGPU where a Vulkan driver Dawn can use is
 * installed, then the CPU; `cuda` and `webgpu` insist, and are refused with the reason where they cannot run.
 */
export function resolveProvider(request: ProviderRequest, report: ProviderReport = detectProviders()): string {
  if (request === 'cpu') return 'cpu';
  if (request === 'webgpu') {
    if (report.available.includes('webgpu')) return 'webgpu';
    throw new UsageError(`--provider webgpu: WebGPU cannot be used: ${report.webgpuMissing}; use --provider cpu or auto`);
  }
  if (report.available.includes('cuda')) return 'cuda';
  if (request === 'cuda') throw new UsageError(`--provider cuda: CUDA cannot be used: ${report.cudaMissing}; use --provider cpu or auto`);
  return report.available.includes('webgpu') ? 'webgpu' : 'cpu';
}

/** Where Vulkan loaders look for installed drivers (ICD manifests). */
const vulkanDriverFolders = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/**
 * Why onnxruntime-node's WebGPU provider cannot run here, or undefined where it can. It is Dawn over Vulkan, so it
 * needs a Vulkan driver that gives Dawn an adapter (Debian 12's software one, Mesa's lavapipe, is too old for Dawn).
 */
export function webgpuProblem(): string | undefined {
  const problem = webgpuSetupProblem();
  return problem === null ? undefined : problem;
}

function webgpuSetupProblem(): string | null {
  let backends: { name: string; bundled: boolean }[] = [];
  try {
    // Loaded here rather than at the top: `vivify --version` must not pay for onnxruntime's binding.
    backends = (createRequire(import.meta.url)('onnxruntime-node') as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }).listSupportedBackends?.() ?? [];
  } catch {
    return 'onnxruntime-node could not be loaded';
  }
  if (!backends.some((backend) => backend.name === 'webgpu' && backend.bundled)) return `this onnxruntime-node build has no WebGPU provider (${process.platform}-${process.arch})`;
  const drivers = vulkanDriverFolders.flatMap((folder) => {
    try {
      return readdirSync(folder).filter((name) => name.endsWith('.json'));
    } catch {
      return [];
    }
  });
  if (drivers.length === 0) return 'no Vulkan driver is installed (WebGPU in Node runs on Dawn over Vulkan; an NVIDIA, AMD or Intel GPU driver provides one)';
  if (adapterProblem === undefined) adapterProblem = probeAdapter();
  return adapterProblem;
}

/**
 * The probe's model, encoded (base64): one Relu on a 1x4 float tensor. Written out rather than built with onnx-graph,
 * so that every CLI start (which reads this module for --provider's choices) does not load protobufjs; a test checks
 * it is what onnx-graph builds.
 */
export const probeModel = 'CAgSBnZpdmlmeTpCCg8KAXgSAXkaAXkiBFJlbHUSBWdyYXBoWhMKAXgSDgoMCAESCAoCCAEKAggEYhMKAXkSDgoMCAESCAoCCAEKAggEQgQKABAR';

/** The adapter probe's answer, once a process: null where Dawn gave an adapter; undefined until asked. */
let adapterProblem: string | null | undefined;

/**
 * Asks Dawn for an adapter by opening a one-node model on WebGPU, in a child process: Dawn prints its reasons to the
 * process's own stderr, which a user should not see on every run, and which tells why (an installed driver manifest
 * does not mean its GPU is there: Mesa installs Intel and AMD manifests on any machine). About 0.3 s, once a process.
 */
function probeAdapter(): string | null {
  const script =
    "require(process.argv[1]).InferenceSession.create(Buffer.from(process.argv[2], 'base64'), { executionProviders: ['webgpu'] })" +
    '.then(() => process.exit(0), (error) => { console.error(String(error && error.message)); process.exit(1); })';
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const probe = spawnSync(process.execPath, ['-e', script, ortPath, probeModel], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status === 0) return null;
  const said = `${probe.stderr ?? ''}`;
  const required = /Warning: (Vulkan \S+ required)/.exec(said)?.[1];
  if (required) return `Dawn found no WebGPU adapter: ${required}, which the installed Vulkan drivers lack (Debian 12's lavapipe is too old for Dawn)`;
  if (/No supported adapters/.test(said)) return 'Dawn found no WebGPU adapter on the installed Vulkan drivers';
  return `WebGPU could not start (${said.trim().split('\n').at(-1) || `exit ${probe.status ?? probe.signal}`})`;
}

function cudaProviderLibrary(): string | undefined {
  try {
    const packageJson = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const folder = join(dirname(packageJson), 'bin', 'napi-v6', process.platform, process.arch);
    const library = join(folder, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so');
    return existsSync(library) ? library : undefined;
  } catch {
    return undefined;
  }
}

function nvidiaGpu(): string | undefined {
  // The driver's proc file exists wherever the kernel module is loaded; it names the driver, not the card.
  try {
    const version = readFileSync('/proc/driver/nvidia/version', 'utf8');
    return version.split('\n')[0]?.trim() || 'NVIDIA driver';
  } catch {
    return existsSync('/dev/nvidia0') ? 'NVIDIA device' : undefined;
  }
}
