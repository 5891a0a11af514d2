import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';

export type ProviderRequest = 'auto' | 'cpu' | 'cuda';
export const providerRequests: readonly ProviderRequest[] = ['auto', 'cpu', 'cuda'];

export interface ProviderReport {
  /** Providers onnxruntime-node can use here. */
  available: string[];
  /** Why CUDA cannot be used, where it cannot. */
  cudaMissing?: string;
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
  return { available, cudaMissing, gpu };
}

/** The provider a run uses: `auto` takes CUDA where it works and the CPU otherwise; `cuda` insists. */
export function resolveProvider(request: ProviderRequest, report: ProviderReport = detectProviders()): string {
  if (request === 'cpu') return 'cpu';
  if (report.available.includes('cuda')) return 'cuda';
  if (request === 'cuda') throw new UsageError(`--provider cuda: CUDA cannot be used: ${report.cudaMissing}; use --provider cpu or auto`);
  return 'cpu';
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
