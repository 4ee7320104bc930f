// PyTorch as a peer that alternates with tsgrad's rounds: bench/torch_peer.py runs in its own process and
// times each round itself, while this process waits; so load from elsewhere hits PyTorch and tsgrad alike.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { RemotePeer } from './measure.js';
import { SyncWorker } from './sync_worker.js';

const PYTHON = '/usr/bin/python3';
/** Debian's OpenBLAS builds, best first: `pnpm bench:setup` installs the OpenMP one (PyTorch's own threading). */
const OPENBLAS_DIRS = ['/usr/lib/x86_64-linux-gnu/openblas-openmp', '/usr/lib/x86_64-linux-gnu/openblas-pthread', '/usr/lib/aarch64-linux-gnu/openblas-openmp', '/usr/lib/aarch64-linux-gnu/openblas-pthread'];

/**
 * The companion's environment: an OpenBLAS build first on the library path, so Debian's torch loads it whatever
 * the system's libblas.so.3 alternative is (the reference BLAS is 25× slower at matmul); and without
 * OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (both together), which some machines set to keep old OpenBLAS builds
 * safe but which pin a current one to a slower kernel: PyTorch then runs on the kernel OpenBLAS picks itself,
 * reported by torch_info().
 */
export function torch_env(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  const dir = OPENBLAS_DIRS.find((d) => existsSync(`${d}/libblas.so.3`));
  if (dir !== undefined) env['LD_LIBRARY_PATH'] = [dir, env['LD_LIBRARY_PATH']].filter(Boolean).join(':');
  return env;
}

/** What the PyTorch peer runs on: its version, the BLAS it loaded and OpenBLAS's kernel for this CPU. */
export interface TorchInfo {
  version: string;
  /** BLAS/LAPACK libraries mapped in the companion's process (/proc/self/maps). */
  blas_libraries: string[];
  /** OpenBLAS's kernel (threadpoolctl's `architecture`), its threading layer; null without threadpoolctl. */
  openblas_kernel: string | null;
  openblas_threading: string | null;
  /** BLAS_INFO and LAPACK_INFO of torch.__config__.show() (Debian's build says `generic`: whatever libblas.so.3 is). */
  config: string[];
  /** OPENBLAS_* variables this process had and the companion runs without. */
  unset: string[];
}

const PROBE = `
import json, re, torch
torch.mm(torch.randn(8, 8), torch.randn(8, 8))
maps = sorted({l.split()[-1] for l in open('/proc/self/maps') if re.search(r'lib(open)?blas|liblapack', l)})
kernel = threading = None
try:
    from threadpoolctl import threadpool_info
    for i in threadpool_info():
        if i.get('internal_api') == 'openblas':
            kernel, threading = i.get('architecture'), i.get('threading_layer')
except Exception:
    pass
config = re.findall(r'(?:BLAS|LAPACK)_INFO=\\w+', torch.__config__.show())
print(json.dumps({'version': torch.__version__, 'blas_libraries': maps, 'openblas_kernel': kernel, 'openblas_threading': threading, 'config': config}))
`;

/** The PyTorch peer's version and BLAS when /usr/bin/python3 has torch, else null. */
export function torch_info(): TorchInfo | null {
  if (!existsSync(PYTHON)) return null;
  const probe = spawnSync(PYTHON, ['-c', PROBE], { encoding: 'utf8', env: torch_env() });
  if (probe.status !== 0) return null;
  const unset = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'].filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`);
  return { ...(JSON.parse(probe.stdout) as Omit<TorchInfo, 'unset'>), unset };
}

/** What bench/torch_peer.py builds: a workload's spec (one peer per thread count) or a hook setup. */
export interface TorchSpec {
  key: string;
  kind: string;
  threads: number[];
  [size: string]: unknown;
}

/** The companion process; every call blocks until it answers. */
export class TorchProcess {
  private readonly worker: SyncWorker;

  constructor(script: string) {
    this.worker = new SyncWorker(new URL('./torch_worker.js', import.meta.url), { python: PYTHON, script, env: torch_env() });
  }

  private request(message: Record<string, unknown>, timeout_ms: number): Record<string, unknown> {
    return this.worker.request('PyTorch companion', message, timeout_ms);
  }

  /**
   * Builds `spec` in PyTorch, warms each of its peers up and sizes their rounds to `round_ms`; returns them as
   * peers for compare(), named by `name(peer)` (a thread count, or a hook row's key).
   */
  peers(spec: TorchSpec, round_ms: number, name: (peer: string) => string): RemotePeer[] {
    const reply = this.request({ op: 'setup', spec, round_ms }, 300_000) as { peers: string[]; version: string };
    return reply.peers.map((p) => ({
      name: name(p),
      round: () => (this.request({ op: 'round', key: spec.key, peer: p }, 120_000) as { ms: number }).ms,
    }));
  }

  close(): void {
    this.worker.close();
  }
}
