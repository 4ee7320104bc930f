// Devices, honestly: CPU is the only one. `torch.device`, `torch.cuda`, `torch.backends.mps` and the dtype values.
import { dtype_object } from './dtype.js';
/** PyTorch 2.x's device types, in the order its error message lists them. */
const DEVICE_TYPES = ['cpu', 'cuda', 'ipu', 'xpu', 'mkldnn', 'opengl', 'opencl', 'ideep', 'hip', 've', 'fpga', 'maia', 'xla', 'lazy', 'vulkan', 'mps', 'meta', 'hpu', 'mtia', 'privateuseone'];

const CUDA_MISSING = 'Torch not compiled with CUDA enabled';

/**
 * PyTorch's `torch.device`: a type (`'cpu'`, `'cuda'`, …) and an optional index. Any device can be named;
 * only `cpu` can hold tensors.
 *
 * @example
 * const device = torch.device('cpu');
 * String(device); // 'cpu'
 */
export class Device {
  /** The device type: `'cpu'`, `'cuda'`, `'mps'`, …. */
  readonly type: string;
  /** The device index (`'cuda:1'` has 1), or null when none was given. */
  readonly index: number | null;

  /**
   * Parses `'cuda'`, `'cuda:1'` or a type with a separate `index`; an unknown type or a negative index raises
   * PyTorch's error.
   */
  constructor(type: string, index: number | null = null) {
    const m = /^([a-z_]+)(?::(\d+))?$/.exec(type);
    if (m === null || !DEVICE_TYPES.includes(m[1]!)) {
      const what = m === null ? type : m[1]!;
      throw new Error(`Expected one of ${DEVICE_TYPES.join(', ')} device type at start of device string: ${what}`);
    }
    if (m[2] !== undefined && index !== null) throw new Error(`type (string) must not include an index because index was passed explicitly: ${type}`);
    if (index !== null && (!Number.isInteger(index) || index < 0)) throw new Error(`Device index must not be negative`);
    this.type = m[1]!;
    this.index = m[2] !== undefined ? Number(m[2]) : index;
  }

  /** `'cpu'`, `'cuda:1'`: what `str(device)` prints in PyTorch. */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }
}

/** A device name or object, as `device=` options and `.to(...)` take it. */
export type DeviceLike = Device | string;

/**
 * `torch.device('cpu')`, `torch.device('cuda', 0)`, `torch.device('cuda:1')`.
 *
 * @example
 * const device = torch.cuda.is_available() ? torch.device('cuda') : torch.device('cpu');
 */
export function device(type: DeviceLike, index: number | null = null): Device {
  if (type instanceof Device) return type;
  if (typeof type !== 'string') throw new TypeError(`device() received an invalid combination of arguments - got (${typeof type})`);
  return new Device(type, index);
}

/** The CPU device every tensor lives on. */
export const CPU = new Device('cpu');

/**
 * Checks that `d` names a device a tensor can live on (CPU); other devices raise PyTorch's errors.
 *
 * @example
 * check_device('cuda'); // throws 'Torch not compiled with CUDA enabled'
 */
export function check_device(d: DeviceLike | null | undefined): Device {
  if (d === null || d === undefined) return CPU;
  const dev = device(d);
  if (dev.type === 'cpu') return CPU;
  if (dev.type === 'cuda') throw new Error(CUDA_MISSING);
  if (dev.type === 'mps') throw new Error('The MPS backend is not available on this machine');
  throw new Error(`Could not run an operation on the '${dev.type}' device: only CPU is available in tsgrad`);
}

/**
 * Whether `v` names a device (a Device or a device string such as `'cpu'`, `'cuda:0'`), as `.to(...)` tells a
 * device argument from a dtype.
 *
 * @example
 * torch.is_device_like('cuda:0'); // true
 * torch.is_device_like('float32'); // false
 */
export function is_device_like(v: unknown): v is DeviceLike {
  if (v instanceof Device) return true;
  if (typeof v !== 'string') return false;
  const m = /^([a-z_]+)(?::\d+)?$/.exec(v);
  return m !== null && DEVICE_TYPES.includes(m[1]!);
}

/**
 * `torch.cuda`: no CUDA here, so code written for both runs its CPU branch.
 *
 * @example
 * const device = torch.cuda.is_available() ? 'cuda' : 'cpu'; // 'cpu'
 */
export const cuda = {
  /** Always false. */
  is_available: (): boolean => false,
  /** Always 0. */
  device_count: (): number => 0,
  /** `torch.cuda.current_device()` raises as PyTorch without CUDA does. */
  current_device: (): number => {
    throw new Error(CUDA_MISSING);
  },
  /** A no-op, as PyTorch's without CUDA (`torch.manual_seed` seeds the CPU generator). */
  manual_seed: (_seed: number): void => undefined,
  /** A no-op, as PyTorch's without CUDA. */
  manual_seed_all: (_seed: number): void => undefined,
  /** Raises PyTorch's "Torch not compiled with CUDA enabled". */
  synchronize: (): void => {
    throw new Error(CUDA_MISSING);
  },
};

/**
 * `torch.accelerator` (PyTorch 2.6+): no accelerator here, so code that picks one falls back to the CPU.
 *
 * @example
 * const device = torch.accelerator.is_available() ? torch.accelerator.current_accelerator()!.type : 'cpu'; // 'cpu'
 */
export const accelerator = {
  /** Always false. */
  is_available: (): boolean => false,
  /** Always null (PyTorch's `None`): there is no accelerator. */
  current_accelerator: (_check_available = false): Device | null => null,
  /** Always 0. */
  device_count: (): number => 0,
};

/**
 * PyTorch's `torch.set_default_device`: `'cpu'` (or null, which restores it) is accepted and changes nothing;
 * any other device raises the error creating a tensor there would raise.
 *
 * @example
 * torch.set_default_device('cpu');
 * torch.set_default_device('cuda'); // throws 'Torch not compiled with CUDA enabled'
 */
export function set_default_device(device: DeviceLike | null): void {
  check_device(device);
}

/**
 * PyTorch's `torch.get_default_device()`: always the CPU.
 *
 * @example
 * String(torch.get_default_device()); // 'cpu'
 */
export function get_default_device(): Device {
  return CPU;
}

/**
 * `torch.backends`: neither MPS nor cuDNN is available; the cuDNN flags exist so code that sets them runs.
 *
 * @example
 * torch.backends.cudnn.deterministic = true; // accepted, no effect on CPU
 */
export const backends = {
  /** Apple's Metal backend: never available. */
  mps: {
    /** Always false. */
    is_available: (): boolean => false,
    /** Always false. */
    is_built: (): boolean => false,
  },
  /** NVIDIA cuDNN: never available; its flags are plain settable values. */
  cudnn: {
    /** Always false. */
    is_available: (): boolean => false,
    /** `torch.backends.cudnn.enabled` (true, unused). */
    enabled: true,
    /** `torch.backends.cudnn.deterministic` (false, unused: CPU kernels are deterministic). */
    deterministic: false,
    /** `torch.backends.cudnn.benchmark` (false, unused). */
    benchmark: false,
  },
};

// dtype values: PyTorch's names for the `torch.dtype` objects (options also take their names, `'float64'`).
/** `torch.float32`. @example torch.zeros(2, { dtype: torch.float32 }) */
export const float32 = dtype_object('float32');
/** `torch.float`, an alias of `torch.float32`. */
export const float = float32;
/** `torch.float64`. @example torch.tensor([0.1], { dtype: torch.float64 }) */
export const float64 = dtype_object('float64');
/** `torch.double`, an alias of `torch.float64`. */
export const double = float64;
/** `torch.int64`. @example torch.tensor([3], { dtype: torch.int64 }) */
export const int64 = dtype_object('int64');
/** `torch.long`, an alias of `torch.int64`. */
export const long = int64;
/** `torch.uint8`: bytes (image data), printed with `dtype=torch.uint8`. @example torch.tensor([0, 255], { dtype: torch.uint8 }) */
export const uint8 = dtype_object('uint8');
/** `torch.bool`. @example torch.zeros(2, { dtype: torch.bool }) */
const bool_ = dtype_object('bool');
export { bool_ as bool };
