// The wasm kernels' instance, its one memory (shared with worker threads when the engine allows), a per-call
// arena in that memory, and the worker pool that runs a job's shares (Node worker threads, or Web Workers in a
// cross-origin isolated page); set_num_threads / get_num_threads.
import { make_driver, type Driver, type KernelExports } from './driver.js';
import { DRIVER_SOURCE } from './driver_source.generated.js';
import {
  KERNELS_WASM_BASE64, KERNELS_WASM_RELAXED_BASE64, KERNELS_WASM_RELAXED_SHARED_BASE64, KERNELS_WASM_SHARED_BASE64,
} from './kernels_wasm.generated.js';

// Memory map: control words, the job words, then the arena.
const MAX_PAGES = 32768;
const MAX_WORKERS = 63;
/** Pages of the calling thread's private memory (16 MB), for kernels that stream through it in chunks (and sums' accumulators). */
const LOCAL_MAX_PAGES = 256;
const PENDING = 0;
const NTHREADS = 1;
const FAILED = 2;
// GO + i: 0 while worker i idles, t > 0 when it is to run share t of the current job, -t once it has started
const GO = 64;
const READY = GO + MAX_WORKERS + 1; // READY + i: 1 once worker i has instantiated the kernels
const CTRL_WORDS = READY + MAX_WORKERS + 1;
const JOB_AT = CTRL_WORDS * 4;
const JOB_WORDS = 64;
const ARENA_AT = JOB_AT + JOB_WORDS * 4;
/** Below this many multiply-adds a job runs on the calling thread alone: waking a worker costs ~50 us. */
const MIN_PARALLEL_WORK = 1 << 20;
/**
 * How long a thread spins on its flag before sleeping in Atomics.wait: a training step's parallel kernels
 * are a fraction of a millisecond apart, and waking a sleeping thread costs tens of microseconds each
 * time (OpenMP runtimes spin for the same reason, and longer).
 */
const SPIN_MS = 0.25;

/** The subset of node:worker_threads the pool uses. */
interface WorkerLike {
  unref(): void;
  on(event: 'error', listener: (err: unknown) => void): void;
}
type WorkerCtor = new (code: string, options: { eval: true; workerData: unknown }) => WorkerLike;

/** Node's builtin module loader (Node 20.16+); undefined in browsers, which then run one thread. */
function node_builtin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

function env_threads(): number | null {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = proc?.env?.['TSGRAD_NUM_THREADS'];
  if (v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TSGRAD_NUM_THREADS must be a positive integer, got '${v}'`);
  return n;
}

function available_cores(): number {
  const os = node_builtin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? n : 1;
}

/**
 * How this engine runs kernel threads: Node's worker_threads, Web Workers (a browser page or worker that is
 * cross-origin isolated, which SharedArrayBuffer needs), or not at all.
 */
function thread_kind(): 'node' | 'web' | null {
  // asked on every job (through get_num_threads); the engine's answer never changes, so it is worked out once
  if (kind === undefined) {
    const g = globalThis as { Worker?: unknown; Blob?: unknown; crossOriginIsolated?: boolean };
    if (typeof SharedArrayBuffer !== 'function') kind = null;
    else if (node_builtin('node:worker_threads') !== undefined) kind = 'node';
    else kind = typeof g.Worker === 'function' && typeof g.Blob === 'function' && g.crossOriginIsolated === true ? 'web' : null;
  }
  return kind;
}
let kind: 'node' | 'web' | null | undefined;

/** The kernels module's bytes from its base64 text. */
const module_bytes = (base64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));

// The smallest module using relaxed SIMD: (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd).
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

/** Which build of the kernels runs: relaxed SIMD's fused multiply-add in the GEMM tiles, or plain 128-bit SIMD. */
export type WasmKernelKind = 'relaxed_simd' | 'simd';

/**
 * The kernels this engine gets: `'relaxed_simd'` when it validates a module using `f32x4.relaxed_madd`
 * (Node 22+, current Chromium; Node 20 with `--experimental-wasm-relaxed-simd`) and the environment
 * variable TSGRAD_RELAXED_SIMD is not `0`, else `'simd'`, whose results are bit for bit those of engines
 * without relaxed SIMD. `validate` is the engine's check (a parameter so tests can play an older engine).
 *
 * @example
 * choose_wasm_kernels(); // 'relaxed_simd' on Node 22
 * choose_wasm_kernels(() => false); // 'simd'
 */
export function choose_wasm_kernels(validate: (bytes: Uint8Array<ArrayBuffer>) => boolean = (b) => WebAssembly.validate(b)): WasmKernelKind {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = proc?.env?.['TSGRAD_RELAXED_SIMD'];
  if (v !== undefined && v !== '' && v !== '0' && v !== '1') throw new Error(`TSGRAD_RELAXED_SIMD must be 0 or 1, got '${v}'`);
  if (v === '0') return 'simd';
  return validate(RELAXED_PROBE) ? 'relaxed_simd' : 'simd';
}

/** The assembled kernels of `kind`, importing a shared memory or not. */
export function kernels_module_bytes(kind: WasmKernelKind, shared: boolean): Uint8Array<ArrayBuffer> {
  if (kind === 'relaxed_simd') return module_bytes(shared ? KERNELS_WASM_RELAXED_SHARED_BASE64 : KERNELS_WASM_RELAXED_BASE64);
  return module_bytes(shared ? KERNELS_WASM_SHARED_BASE64 : KERNELS_WASM_BASE64);
}

/**
 * Which kernels the wasm backend's GEMM and convolutions run on this engine (decided once, on first use):
 * `'relaxed_simd'` (fused multiply-adds where the CPU has them; results within float32 rounding of the
 * other) or `'simd'`.
 *
 * @example
 * wasm_kernel_kind(); // 'simd' on Node 20 without --experimental-wasm-relaxed-simd
 */
export function wasm_kernel_kind(): WasmKernelKind {
  return wasm_runtime().kind;
}

let requested_threads: number | null = null;

/**
 * Sets how many threads the wasm backend's GEMM, convolution and pooling kernels may use, as PyTorch's
 * `torch.set_num_threads`. The calling thread takes a share and the rest run in worker threads, started
 * on the first large enough call. Results do not depend on the count. Default: the available cores
 * (`navigator.hardwareConcurrency` in a browser), or the environment variable TSGRAD_NUM_THREADS. Browsers
 * run the other threads in Web Workers when the page is cross-origin isolated (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`); engines
 * without SharedArrayBuffer or workers always use one.
 *
 * @example
 * set_num_threads(1); // deterministic timing on a shared machine
 */
export function set_num_threads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`set_num_threads expects a positive integer, got ${n}`);
  requested_threads = Math.min(n, MAX_WORKERS + 1);
}

/**
 * The number of threads the wasm backend's kernels use (1 where threads are unavailable), as PyTorch's
 * `torch.get_num_threads`.
 *
 * @example
 * get_num_threads(); // 2 on a two-core machine
 */
export function get_num_threads(): number {
  if (requested_threads === null) requested_threads = Math.min(env_threads() ?? available_cores(), MAX_WORKERS + 1);
  return threads_possible() ? requested_threads : 1;
}

/**
 * How many threads the wasm kernels' next large job would run on now: 1 plus the worker threads that have
 * started (starting any missing ones, which join later jobs), at most get_num_threads(). Workers start in the
 * background, so right after set_num_threads this may still be lower.
 *
 * @example
 * set_num_threads(2); kernel_threads_running(); // 1 at first, 2 once the worker is up
 */
export function kernel_threads_running(): number {
  return wasm_runtime().threads_ready();
}

function threads_possible(): boolean {
  return thread_kind() !== null;
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not; it spins instead). */
function can_block(ctrl: Int32Array): boolean {
  try {
    Atomics.wait(ctrl, FAILED, 1, 0); // returns at once: the word is not 1
    return true;
  } catch {
    return false;
  }
}

/** The instance, its memory and views, the arena and the worker pool. */
export class WasmRuntime {
  /** @internal kept out of the published types, which must not need lib DOM's `WebAssembly` */
  readonly memory: WebAssembly.Memory;
  readonly ex: KernelExports;
  readonly driver: Driver;
  /** Which build of the kernels this instance runs. */
  readonly kind: WasmKernelKind;
  f32: Float32Array;
  f64: Float64Array;
  private readonly module: WebAssembly.Module;
  private readonly shared: boolean;
  private readonly ctrl: Int32Array;
  private readonly workers: (WorkerLike | Worker)[] = [];
  private top = ARENA_AT;
  /** Where the arena starts: above the pinned blocks, which outlive calls (see pin). */
  private arena_at = ARENA_AT;
  /** Jobs with fewer multiply-adds run on the calling thread alone (tests lower it to split tiny jobs). */
  min_parallel_work = MIN_PARALLEL_WORK;
  /** Workers taking shares 1, 2, ... of the prepared job. */
  private helpers: number[] = [];
  /** Whether run() may sleep in Atomics.wait once its spin is over. */
  private readonly blocking: boolean;

  constructor() {
    let memory: WebAssembly.Memory | null = null;
    if (typeof SharedArrayBuffer === 'function') {
      try {
        memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
      } catch {
        memory = null; // shared memory switched off (a page without cross-origin isolation)
      }
    }
    this.shared = memory !== null;
    memory ??= new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
    this.kind = choose_wasm_kernels();
    this.module = new WebAssembly.Module(kernels_module_bytes(this.kind, this.shared));
    this.memory = memory;
    this.ex = new WebAssembly.Instance(this.module, { env: { memory } }).exports as unknown as KernelExports;
    this.ctrl = new Int32Array(memory.buffer, 0, CTRL_WORDS);
    this.blocking = this.shared && can_block(this.ctrl);
    this.driver = make_driver(this.ex, memory, JOB_AT, JOB_WORDS);
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
  }

  /** Starts a call: frees the whole arena. */
  reset(): void {
    this.top = this.arena_at;
  }

  /** Bytes held by pinned blocks. */
  pinned_bytes(): number {
    return this.arena_at - ARENA_AT;
  }

  /**
   * Reserves `bytes` that outlive calls (a cached packed weight) just below the arena, 64-byte aligned;
   * returns the byte address, or -1 when the memory cannot grow that far. Frees the arena: call it before a
   * call's reset and allocations, never between prepare and run.
   */
  pin(bytes: number): number {
    const at = this.arena_at;
    this.arena_at = Math.ceil((at + bytes) / 64) * 64;
    this.top = this.arena_at;
    if (this.commit()) return at;
    this.arena_at = this.top = at;
    return -1;
  }

  /**
   * Keeps only the pinned blocks `keep` (byte address and size each), moving them, in address order, to the
   * bottom of the pinned area, and frees the rest; returns their new addresses in `keep`'s order. Frees
   * the arena, as pin.
   */
  repin(keep: readonly { at: number; bytes: number }[]): number[] {
    const order = keep.map((_, i) => i).sort((i, j) => keep[i]!.at - keep[j]!.at);
    const moved: number[] = new Array<number>(keep.length);
    let to = ARENA_AT;
    const bytes = new Uint8Array(this.memory.buffer);
    for (const i of order) {
      const { at, bytes: n } = keep[i]!;
      if (at !== to) bytes.copyWithin(to, at, at + n);
      moved[i] = to;
      to = Math.ceil((to + n) / 64) * 64;
    }
    this.arena_at = this.top = to;
    return moved;
  }

  /** The arena's top, for `rewind`: a call running several jobs over operands it keeps in the arena. */
  mark(): number {
    return this.top;
  }

  /** Frees what the arena allocated since `mark` returned `at` (a finished job's scratch). */
  rewind(at: number): void {
    this.top = at;
  }

  /** Reserves `bytes` in the arena, 64-byte aligned; returns the byte address. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = Math.ceil((at + bytes) / 64) * 64;
    return at;
  }

  /**
   * Writes the job (`words[0]` the op, then its parameters), picks the thread count for `work`
   * multiply-adds, reserves every thread's scratch and grows the memory to fit. Returns false when the
   * memory cannot grow that far; the caller then falls back to the js kernel.
   */
  prepare(words: number[], work: number): boolean {
    if (words.length + 2 > JOB_WORDS) throw new Error('wasm job has too many words');
    const job = this.driver.job();
    job[0] = words[0]!;
    job.set(words.slice(1), 3);
    job[this.driver.NEXT] = 0;
    this.helpers = work >= this.min_parallel_work ? this.ready_workers() : [];
    const per_thread = Math.ceil(this.driver.scratch_bytes() / 64) * 64;
    job[1] = this.alloc(per_thread * (1 + this.helpers.length));
    job[2] = per_thread;
    return this.commit();
  }

  /** Grows the memory to hold the arena as allocated so far; false when it cannot grow that far. */
  commit(): boolean {
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) {
      if (this.top > MAX_PAGES * 65536) return false;
      try {
        this.memory.grow(Math.ceil(need / 65536));
      } catch {
        return false; // the engine could not reserve that much
      }
    }
    if (this.f32.length * 4 !== this.memory.buffer.byteLength) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
    }
    return true;
  }

  /** Runs the prepared job: the ready workers take shares 1.., this thread share 0, then waits for all. */
  run(): void {
    const T = 1 + this.helpers.length;
    if (T === 1) {
      this.driver.run(0, 1);
      return;
    }
    const ctrl = this.ctrl;
    Atomics.store(ctrl, NTHREADS, T);
    Atomics.store(ctrl, PENDING, T - 1);
    Atomics.store(ctrl, FAILED, 0);
    this.helpers.forEach((i, k) => {
      Atomics.store(ctrl, GO + i, k + 1);
      Atomics.notify(ctrl, GO + i, 1);
    });
    try {
      this.driver.run(0, T);
    } finally {
      // A worker that has not woken up yet is not waited for: taking back its GO word (which it claims by
      // negating) leaves it nothing to do, since every chunk has been claimed by now.
      this.helpers.forEach((i, k) => {
        if (Atomics.compareExchange(ctrl, GO + i, k + 1, 0) === k + 1) Atomics.sub(ctrl, PENDING, 1);
      });
      // the started workers' last chunks usually end within microseconds of ours: spin before sleeping
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(ctrl, PENDING) !== 0 && (performance.now() < until || !this.blocking));
      for (let v = Atomics.load(ctrl, PENDING); v !== 0; v = Atomics.load(ctrl, PENDING)) Atomics.wait(ctrl, PENDING, v);
    }
    if (Atomics.load(ctrl, FAILED) !== 0) throw new Error('a tsgrad kernel worker thread failed');
  }

  /** How many threads the next large job would use now: 1 + the workers that are up (starting missing ones). */
  threads_ready(): number {
    return 1 + this.ready_workers().length;
  }

  /** The workers ready now, up to get_num_threads() - 1; starts missing ones, which join later calls. */
  private ready_workers(): number[] {
    const want = get_num_threads();
    if (want === 1 || !this.shared) return [];
    for (let i = this.workers.length; i < want - 1; i++) this.spawn(i);
    const ready: number[] = [];
    for (let i = 0; i < want - 1; i++) if (Atomics.load(this.ctrl, READY + i) === 1) ready.push(i);
    return ready;
  }

  private spawn(index: number): void {
    const data = { module: this.module, memory: this.memory, index, layout: { PENDING, NTHREADS, FAILED, GO, READY, CTRL_WORDS, JOB_AT, JOB_WORDS, SPIN_MS } };
    const failed = (): void => {
      Atomics.store(this.ctrl, READY + index, 0);
    };
    if (thread_kind() === 'web') {
      // the URL stays valid (a few hundred bytes): the worker may fetch it after this call returns
      const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
      const w = new Worker(url, { name: `tsgrad kernels ${index + 1}` });
      w.onerror = failed;
      w.postMessage(data);
      this.workers.push(w);
      return;
    }
    const wt = node_builtin<{ Worker: WorkerCtor }>('node:worker_threads');
    if (wt === undefined) return;
    const w = new wt.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
    // Idle workers block in Atomics.wait; unref'd, they never keep the process alive.
    w.unref();
    w.on('error', failed);
    this.workers.push(w);
  }
}

// A worker instantiates the same module over the shared memory, marks itself ready and then, forever,
// waits for its GO word (spinning SPIN_MS after each job, then sleeping), claims it, runs chunks of the
// job until none is left and counts itself off PENDING. It runs the driver from its generated source text,
// not this bundle's make_driver, which a bundler may have rewritten.
const WORKER_LOOP = `
const make_driver = ${DRIVER_SOURCE};
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(memory.buffer, 0, L.CTRL_WORDS);
const driver = make_driver(ex, memory, L.JOB_AT, L.JOB_WORDS);
Atomics.store(ctrl, L.READY + index, 1);
for (;;) {
  const until = performance.now() + L.SPIN_MS;
  while (Atomics.load(ctrl, L.GO + index) === 0 && performance.now() < until);
  const t = Atomics.load(ctrl, L.GO + index);
  if (t === 0) {
    Atomics.wait(ctrl, L.GO + index, 0);
    continue;
  }
  // claim the share; the caller may have taken it back already (it then counted us off PENDING)
  if (t < 0 || Atomics.compareExchange(ctrl, L.GO + index, t, -t) !== t) continue;
  try {
    driver.run(t, Atomics.load(ctrl, L.NTHREADS));
  } catch (e) {
    Atomics.store(ctrl, L.FAILED, 1);
  }
  Atomics.store(ctrl, L.GO + index, 0);
  if (Atomics.sub(ctrl, L.PENDING, 1) === 1) Atomics.notify(ctrl, L.PENDING);
}
`;
const NODE_WORKER_SOURCE = `
const { module, memory, index, layout: L } = require('node:worker_threads').workerData;
${WORKER_LOOP}`;
// A Web Worker gets the same data in its first message; the loop then holds the worker for good.
const WEB_WORKER_SOURCE = `
self.onmessage = (e) => {
  self.onmessage = null;
  const { module, memory, index, layout: L } = e.data;
  ${WORKER_LOOP}
};`;

/**
 * A second instance of the kernels over a small memory of its own, never shared, for kernels that stream
 * chunks through wasm on the calling thread alone (the elementwise maps): V8 copies into and out of a
 * shared memory at half the speed of an unshared one.
 */
export class LocalWasm {
  readonly ex: KernelExports;
  f32: Float32Array;
  f64: Float64Array;
  private readonly memory: WebAssembly.Memory;

  constructor() {
    // the elementwise maps' three 32 KB chunks need two pages; a small maximum reserves little address space
    this.memory = new WebAssembly.Memory({ initial: 2, maximum: LOCAL_MAX_PAGES });
    const module = new WebAssembly.Module(module_bytes(KERNELS_WASM_BASE64));
    this.ex = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
  }

  /** Grows the memory to at least `bytes`, renewing the view; false when it cannot grow that far. */
  reserve(bytes: number): boolean {
    const need = bytes - this.memory.buffer.byteLength;
    if (need > 0) {
      try {
        this.memory.grow(Math.ceil(need / 65536));
      } catch {
        return false;
      }
      this.f32 = new Float32Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
    }
    return true;
  }
}

let instance: WasmRuntime | null = null;
let local: LocalWasm | null = null;

/** The calling thread's private unshared instance, instantiated on first use. */
export function local_wasm(): LocalWasm {
  local ??= new LocalWasm();
  return local;
}

/** The process-wide runtime, instantiated on first use. */
export function wasm_runtime(): WasmRuntime {
  instance ??= new WasmRuntime();
  return instance;
}
