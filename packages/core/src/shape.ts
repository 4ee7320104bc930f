// Shape arithmetic shared by tensors, ops and kernels: strides, broadcasting and dim normalisation.

export type Shape = readonly number[];

export function numel_of(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguous_strides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

/** `torch.Size([2, 3])`, as PyTorch prints shapes in messages. */
export function size_str(shape: Shape): string {
  return `torch.Size([${shape.join(', ')}])`;
}

export function shapes_equal(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * NumPy/PyTorch broadcasting of two shapes (trailing alignment; size-1 or missing dims expand).
 * Throws PyTorch's message naming both sizes when they cannot broadcast.
 */
export function broadcast_shapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // from the last dim back, as PyTorch's infer_size: the rightmost mismatch is the one reported
  for (let i = n - 1; i >= 0; i--) {
    const da = i < n - a.length ? 1 : (a[i - (n - a.length)] as number);
    const db = i < n - b.length ? 1 : (b[i - (n - b.length)] as number);
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new Error(`The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`);
    }
  }
  return out;
}

/** Normalises a possibly negative dim against `ndim`, with PyTorch's IndexError text. */
export function normalize_dim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim)) throw new TypeError(`argument 'dim' must be int, not ${typeof dim === 'number' ? 'float' : dim === null ? 'NoneType' : typeof dim}`);
  if (dim < -n || dim >= n) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalises a dim list, rejecting repeats as PyTorch does. */
export function normalize_dims(dims: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (dims === null || dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const out = list.map((d) => normalize_dim(d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new Error(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

/** Infers a single -1 entry of a view/reshape target, with PyTorch's messages. */
export function infer_size(shape: readonly number[], numel: number, fn = 'view'): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i] as number;
    if (s === -1) {
      if (infer >= 0) throw new Error('only one dimension can be inferred');
      infer = i;
    } else if (!Number.isInteger(s)) {
      throw new TypeError(`${fn}(): argument 'size' must be tuple of ints, but found element of type ${typeof s === 'number' ? 'float' : typeof s} at pos ${i + 1}`);
    } else if (s < 0) {
      throw new Error(`invalid shape dimension ${s}`);
    } else known *= s;
  }
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 && numel === 0) {
      throw new Error(`cannot reshape tensor of 0 elements into shape [${shape.join(', ')}] because the unspecified dimension size -1 can be any value and is ambiguous`);
    }
    if (known === 0 || numel % known !== 0) throw new Error(`shape '[${shape.join(', ')}]' is invalid for input of size ${numel}`);
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new Error(`shape '[${shape.join(', ')}]' is invalid for input of size ${numel}`);
  }
  return out;
}

/**
 * The permutation that puts dim `source[i]` at `destination[i]` of a rank-`ndim` tensor, the other dims keeping
 * their order (checked as PyTorch checks them).
 */
export function movedim_order(ndim: number, source: readonly number[], destination: readonly number[]): number[] {
  if (source.length !== destination.length) {
    throw new Error(`movedim: Invalid source or destination dims: source (${py_list(source)} dims) should contain the same number of dims as destination (${py_list(destination)} dims)`);
  }
  const nd = Math.max(ndim, 1);
  const src = source.map((d) => normalize_dim(d, nd));
  const dst = destination.map((d) => normalize_dim(d, nd));
  if (new Set(src).size !== src.length) throw new Error(`movedim: repeated dim in \`source\` (${py_list(source)})`);
  if (new Set(dst).size !== dst.length) throw new Error(`movedim: repeated dim in \`destination\` (${py_list(destination)})`);
  const order = new Array<number>(ndim).fill(-1);
  src.forEach((s, i) => (order[dst[i]!] = s));
  const rest = Array.from({ length: ndim }, (_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0, k = 0; i < ndim; i++) if (order[i] === -1) order[i] = rest[k++]!;
  return order;
}

const py_list = (v: readonly number[]): string => `[${v.join(', ')}]`;
