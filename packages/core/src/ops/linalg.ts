// Matrix products (mm, mv, dot, bmm, addmm, matmul with broadcast batch dims) and F.linear.
import { trace_op, tracing } from '../jit/tracer.js';
import { write_op_out } from './out_arg.js';
import { signature, type PyArgs, type Signature } from '../signature.js';
import { plain_tensors } from './call_args.js';
import type { FloatArray } from '../dtype.js';
import { is_floating, scalar_type_name } from '../dtype.js';
import { broadcast_shapes, numel_of } from '../shape.js';
import { kernels } from '../kernels/backend.js';
import { Tensor } from '../tensor.js';
import { add, mul, type Scalar } from './arithmetic.js';
import { empty, record } from './record.js';
import { sum_to } from './reduce.js';
import { contiguous, expand, reshape, squeeze, squeeze_dims, t, transpose, unsafe_view, unsqueeze, view, flatten } from './view.js';

interface Operand {
  data: FloatArray;
  offset: number;
  ld: number;
  trans: boolean;
  /** Elements between consecutive matrices along `batch_dim` (0 without one). */
  stride: number;
  /** The version counter of `data`'s storage (a backend may keep the operand packed while it is unchanged). */
  counter: { readonly version: number };
}

/**
 * Reads a 2-D operand, or the matrices of a 3-D one along `batch_dim`, as GEMM matrices without copying when
 * strides allow.
 */
function operand(x: Tensor, rows_dim: number, cols_dim: number, batch_dim = -1): Operand {
  const rows = x._shape[rows_dim]!;
  const cols = x._shape[cols_dim]!;
  const rs = x._strides[rows_dim]!;
  const cs = x._strides[cols_dim]!;
  const data = x._storage.data as FloatArray;
  const stride = batch_dim < 0 || x._shape[batch_dim] === 1 ? 0 : x._strides[batch_dim]!;
  const counter = x._storage.counter;
  if (rows === 0 || cols === 0) return { data, offset: x._offset, ld: Math.max(cols, 1), trans: false, stride, counter };
  // row-major (i, j) at offset + i·ld + j: unit column step and rows that do not overlap (an expanded,
  // stride-0 dim of size > 1 is neither layout and gets copied)
  if ((cs === 1 || cols === 1) && (rows === 1 || rs >= cols)) return { data, offset: x._offset, ld: rows === 1 ? cols : rs, trans: false, stride, counter };
  // column-major (i, j) at offset + j·ld + i
  if ((rs === 1 || rows === 1) && (cols === 1 || cs >= rows)) return { data, offset: x._offset, ld: cols === 1 ? rows : cs, trans: true, stride, counter };
  return operand(contiguous(x.detach()), rows_dim, cols_dim, batch_dim);
}

function check_mm(a: Tensor, b: Tensor, what: string): void {
  if (a._dtype !== b._dtype && a.ndim === 1 && b.ndim === 1) {
    throw new Error(`dot : expected both vectors to have same dtype, but found ${scalar_type_name(a._dtype)} and ${scalar_type_name(b._dtype)}`);
  }
  if (a._dtype !== b._dtype) throw new Error(`expected m1 and m2 to have the same dtype, but got: ${a._dtype === 'float32' ? 'float' : a._dtype === 'float64' ? 'double' : a._dtype} != ${b._dtype === 'float32' ? 'float' : b._dtype === 'float64' ? 'double' : b._dtype}`);
  if (!is_floating(a._dtype)) throw new Error(`"${what}" not implemented for '${scalar_type_name(a._dtype)}'`);
}

function gemm_into(a: Tensor, b: Tensor, out: FloatArray, out_off: number, beta: number): void {
  const M = a._shape[0]!;
  const K = a._shape[1]!;
  const N = b._shape[1]!;
  const A = operand(a, 0, 1);
  const B = operand(b, 0, 1);
  kernels().gemm(A.trans, B.trans, M, N, K, 1, A.data, A.offset, A.ld, B.data, B.offset, B.ld, beta, out, out_off, N, B.counter);
}

/** Whether a matrix is a transposed contiguous one (column-major), as a linear layer's `weight.t()` is. */
function column_major(x: Tensor): boolean {
  return x._strides[0] === 1 && x._strides[1] === x._shape[0] && x._shape[0]! > 1 && x._shape[1]! > 1;
}

/**
 * The gradients of `a @ b` w.r.t. `a` (given `b`) and w.r.t. `b` (given `a`), each laid out as its operand was:
 * for a column-major operand the transposed product is computed, so its gradient is column-major too (PyTorch's
 * mm_mat1_backward / mm_mat2_backward). A linear layer's weight gradient thus arrives contiguous, as its weight.
 */
function mm_grad_a(g: Tensor, b: Tensor, a_column_major: boolean): Tensor {
  return a_column_major ? t(mm(b, t(g))) : mm(g, t(b));
}
function mm_grad_b(g: Tensor, a: Tensor, b_column_major: boolean): Tensor {
  return b_column_major ? t(mm(t(g), a)) : mm(t(a), g);
}

/**
 * Matrix product of 2-D tensors (MmBackward0).
 *
 * @example
 * a.mm(b);
 */
export function mm(...args: PyArgs<[input: Tensor, mat2: Tensor], { input?: Tensor; mat2?: Tensor; out?: Tensor | null }>): Tensor {
  if (plain_tensors(args)) return mm2(args[0] as Tensor, args[1] as Tensor);
  const a = MM.parse(args);
  if (a.out !== null) return write_op_out('mm', a.out, mm2, a.input, a.mat2);
  return mm2(a.input, a.mat2);
}
const MM = signature<{ input: Tensor; mat2: Tensor; out: Tensor | null }>('mm(Tensor input, Tensor mat2, *, Tensor? out=None)');

/** Two tensors by the names of `sig` (`mv(input, vec)`), positional or by keyword. */
function pair<K extends string>(sig: Signature<{ input: Tensor } & Record<K, Tensor>>, key: K, args: readonly unknown[]): [Tensor, Tensor] {
  if (plain_tensors(args)) return args as [Tensor, Tensor];
  const a = sig.parse(args);
  return [a.input, a[key]];
}
const MV = signature<{ input: Tensor; vec: Tensor }>('mv(Tensor input, Tensor vec)');
const DOT = signature<{ input: Tensor; tensor: Tensor }>('dot(Tensor input, Tensor tensor)');
const BMM = signature<{ input: Tensor; mat2: Tensor }>('bmm(Tensor input, Tensor mat2)');

function mm2(a: Tensor, b: Tensor): Tensor {
  if (tracing) return trace_op('aten::mm', mm, [a, b]);
  if (a.ndim !== 2) throw new Error('self must be a matrix');
  if (b.ndim !== 2) throw new Error('mat2 must be a matrix');
  if (a._shape[1] !== b._shape[0]) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ${b._shape[0]}x${b._shape[1]})`);
  check_mm(a, b, 'addmm_impl_cpu_');
  const out = empty([a._shape[0]!, b._shape[1]!], a._dtype);
  gemm_into(a, b, out._storage.data as FloatArray, 0, 0);
  const [a_cm, b_cm] = [column_major(a), column_major(b)];
  // each operand is saved only if the other one's gradient reads it, as PyTorch
  record('MmBackward0', [a, b], [out], (ctx, [g]) => {
    const s = ctx.saved_tensors;
    const y = ctx.needs_input_grad(0) ? s.shift()! : null;
    const x = ctx.needs_input_grad(1) ? s.shift()! : null;
    return [y === null ? null : mm_grad_a(g!, y, a_cm), x === null ? null : mm_grad_b(g!, x, b_cm)];
  }, [...(a.requires_grad ? [b] : []), ...(b.requires_grad ? [a] : [])]);
  return out;
}

/**
 * `bias + a @ b` for 2-D `a`, `b`, with `bias` broadcast to the result (AddmmBackward0; edges: bias, a, b).
 * PyTorch's `torch.addmm` with beta = alpha = 1.
 *
 * @example
 * torch.addmm(torch.tensor([10, 20]), torch.eye(2), torch.tensor([[1, 2], [3, 4]])); // [[11, 22], [13, 24]]
 */
export function addmm(...args: PyArgs<[input: Tensor, mat1: Tensor, mat2: Tensor], { input?: Tensor; mat1?: Tensor; mat2?: Tensor; beta?: Scalar; alpha?: Scalar }>): Tensor {
  if (args.length === 3 && args[0] instanceof Tensor && args[1] instanceof Tensor && args[2] instanceof Tensor) return addmm3(args[0], args[1], args[2], 1, 1);
  const p = ADDMM.parse(args);
  return addmm3(p.input, p.mat1, p.mat2, Number(p.beta), Number(p.alpha));
}
const ADDMM = signature<{ input: Tensor; mat1: Tensor; mat2: Tensor; beta: Scalar; alpha: Scalar }>('addmm(Tensor input, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1)');

function addmm3(bias: Tensor, a: Tensor, b: Tensor, beta: number, alpha: number): Tensor {
  if (tracing) return trace_op('aten::addmm', addmm, beta === 1 && alpha === 1 ? [bias, a, b] : [bias, a, b, { beta, alpha }]);
  if (a.ndim !== 2) throw new Error(`mat1 must be a matrix, got ${a.ndim}-D tensor`);
  if (b.ndim !== 2) throw new Error(`mat2 must be a matrix, got ${b.ndim}-D tensor`);
  if (a._shape[1] !== b._shape[0]) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ${b._shape[0]}x${b._shape[1]})`);
  check_mm(a, b, 'addmm_impl_cpu_');
  const shape = [a._shape[0]!, b._shape[1]!];
  const out = empty(shape, a._dtype);
  // beta = 0 ignores the input (NaN in it does not propagate), as PyTorch
  if (beta !== 0) kernels().copy_into(bias._view, out._view);
  const [A, B] = [operand(a, 0, 1), operand(b, 0, 1)];
  kernels().gemm(A.trans, B.trans, shape[0]!, shape[1]!, a._shape[1]!, alpha, A.data, A.offset, A.ld, B.data, B.offset, B.ld, beta, out._storage.data as FloatArray, 0, shape[1]!);
  const [a_cm, b_cm] = [column_major(a), column_major(b)];
  const scaled = (g: Tensor, f: number): Tensor => (f === 1 ? g : mul(g, f));
  // each matrix is saved only if the other one's gradient reads it, as PyTorch
  record('AddmmBackward0', [bias, a, b], [out], (ctx, [g]) => {
    const s = ctx.saved_tensors;
    const y = ctx.needs_input_grad(1) ? s.shift()! : null;
    const x = ctx.needs_input_grad(2) ? s.shift()! : null;
    return [ctx.needs_input_grad(0) ? scaled(g!, beta) : null, y === null ? null : mm_grad_a(scaled(g!, alpha), y, a_cm), x === null ? null : mm_grad_b(scaled(g!, alpha), x, b_cm)];
  }, [...(a.requires_grad ? [b] : []), ...(b.requires_grad ? [a] : [])]);
  return out;
}

/**
 * Product of a 2-D matrix and a 1-D vector (MvBackward0).
 *
 * @example
 * torch.mv(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 1])); // [3, 7]
 */
export function mv(...args: PyArgs<[input: Tensor, vec: Tensor], { input?: Tensor; vec?: Tensor }>): Tensor {
  const [a, v] = pair(MV, 'vec', args);
  if (tracing) return trace_op('aten::mv', mv, [a, v]);
  if (a.ndim !== 2 || v.ndim !== 1) throw new Error(`vector + matrix @ vector expected, got ${a.ndim}, ${v.ndim}`);
  if (a._shape[1] !== v._shape[0]) throw new Error(`size mismatch, got input (${a._shape[0]}), mat (${a._shape[0]}x${a._shape[1]}), vec (${v._shape[0]})`);
  check_mm(a, v, 'addmv_impl_cpu');
  const out = empty([a._shape[0]!], a._dtype);
  gemm_into(a, v.detach().view([v._shape[0]!, 1]), out._storage.data as FloatArray, 0, 0);
  record('MvBackward0', [a, v], [out], (ctx, [g]) => {
    const [x, y] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? mm(unsqueeze(g!, 1), unsqueeze(y!, 0)) : null, ctx.needs_input_grad(1) ? mv(t(x!), g!) : null];
  }, [a, v]);
  return out;
}

/**
 * Inner product of two 1-D tensors of the same length (DotBackward0).
 *
 * @example
 * torch.dot(torch.tensor([1, 2]), torch.tensor([3, 4])); // 11
 */
export function dot(...args: PyArgs<[input: Tensor, tensor: Tensor], { input?: Tensor; tensor?: Tensor }>): Tensor {
  const [a, b] = pair(DOT, 'tensor', args);
  if (tracing) return trace_op('aten::dot', dot, [a, b]);
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a._shape[0] !== b._shape[0]) throw new Error(`inconsistent tensor size, expected tensor [${a._shape[0]}] and src [${b._shape[0]}] to have the same number of elements, but got ${a._shape[0]} and ${b._shape[0]} elements respectively`);
  check_mm(a, b, 'dot');
  const ad = a._contiguous_data();
  const bd = b._contiguous_data();
  let s = 0;
  for (let i = 0; i < ad.length; i++) s += ad[i]! * bd[i]!;
  const out = empty([], a._dtype);
  out._storage.data[0] = s;
  record('DotBackward0', [a, b], [out], (ctx, [g]) => {
    const [x, y] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? mul(y!, g!) : null, ctx.needs_input_grad(1) ? mul(x!, g!) : null];
  }, [a, b]);
  return out;
}

/**
 * Batched matrix product of 3-D tensors `[b, n, m] @ [b, m, p]` → `[b, n, p]` (BmmBackward0); no broadcasting
 * (`matmul` broadcasts).
 *
 * @example
 * torch.bmm(torch.ones([4, 2, 3]), torch.ones([4, 3, 5])).shape; // [4, 2, 5]
 */
export function bmm(...args: PyArgs<[input: Tensor, mat2: Tensor], { input?: Tensor; mat2?: Tensor }>): Tensor {
  const [a, b] = pair(BMM, 'mat2', args);
  if (tracing) return trace_op('aten::bmm', bmm, [a, b]);
  if (a.ndim !== 3) throw new Error('batch1 must be a 3D tensor');
  if (b.ndim !== 3) throw new Error('batch2 must be a 3D tensor');
  if (a._shape[0] !== b._shape[0]) throw new Error(`batch1 and batch2 must have same number of batches, got ${a._shape[0]} and ${b._shape[0]}`);
  if (a._shape[2] !== b._shape[1]) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${a._shape[0]}, ${a._shape[2]}] but got: [${b._shape[0]}, ${b._shape[1]}].`);
  }
  check_mm(a, b, 'bmm');
  const [B, M, K] = a._shape as [number, number, number];
  const N = b._shape[2]!;
  const out = empty([B, M, N], a._dtype);
  const A = operand(a, 1, 2, 0);
  const Bo = operand(b, 1, 2, 0);
  kernels().gemm_batched(B, A.trans, Bo.trans, M, N, K, 1, A.data, A.offset, A.ld, A.stride, Bo.data, Bo.offset, Bo.ld, Bo.stride,
    0, out._storage.data as FloatArray, 0, N, M * N);
  record('BmmBackward0', [a, b], [out], (ctx, [g]) => {
    const [x, y] = ctx.saved_tensors;
    return [ctx.needs_input_grad(0) ? bmm(g!, transpose(y!, 1, 2)) : null, ctx.needs_input_grad(1) ? bmm(transpose(x!, 1, 2), g!) : null];
  }, [a, b]);
  return out;
}

/**
 * PyTorch 2.x's choice between one folded mm/mv and a broadcast bmm for a ≥3-D operand against a ≤2-D one:
 * fold when the smaller operand needs a gradient (a single mm gives its gradient directly), never for a 2-D left
 * operand otherwise, and else only when the larger one's batch dims fold without a copy.
 */
function should_fold(a: Tensor, b: Tensor): boolean {
  const a_larger = a.ndim >= b.ndim;
  const big = a_larger ? a : b;
  const small = a_larger ? b : a;
  if (!(big.ndim >= 3 && small.ndim <= 2)) return false;
  if (small.requires_grad) return true;
  if (a.ndim === 2) return false;
  if (big.numel() === 0) return true;
  // batch dims of the larger operand (b seen through its transpose, which leaves them in place) must nest contiguously
  const shape = [...big._shape];
  const strides = [...big._strides];
  if (!a_larger) {
    [shape[shape.length - 2], shape[shape.length - 1]] = [shape[shape.length - 1]!, shape[shape.length - 2]!];
    [strides[strides.length - 2], strides[strides.length - 1]] = [strides[strides.length - 1]!, strides[strides.length - 2]!];
  }
  for (let i = 0; i < big.ndim - 2; i++) if (strides[i] !== strides[i + 1]! * shape[i + 1]!) return false;
  return true;
}

const MATMUL = signature<{ input: Tensor; other: Tensor; out: Tensor | null }>('matmul(Tensor input, Tensor other, *, Tensor? out=None)');

/**
 * NumPy-style matrix product: dot, mv, mm, or batched bmm with broadcast batch dims; the node names follow
 * PyTorch's decomposition (`MmBackward0`, `BmmBackward0`, `UnsafeViewBackward0`, … as PyTorch records them).
 *
 * @example
 * torch.matmul(a, b); a.matmul(b);
 * torch.matmul({ input: a, other: b }); // keywords, as the polynomial tutorial writes it
 */
export function matmul(...args: PyArgs<[input: Tensor, other: Tensor], { input?: Tensor; other?: Tensor; out?: Tensor | null }>): Tensor {
  // the common positional call skips the parser
  if (args.length === 2 && args[0] instanceof Tensor && args[1] instanceof Tensor) return matmul2(args[0], args[1]);
  const { input: a, other: b, out } = MATMUL.parse(args);
  // PyTorch names the op matmul decomposes into (mm for two matrices)
  if (out !== null) return write_op_out(a.ndim === 2 && b.ndim === 2 ? 'mm' : 'matmul', out, matmul2, a, b);
  return matmul2(a, b);
}

function matmul2(a: Tensor, b: Tensor): Tensor {
  if (tracing) return trace_op('aten::matmul', matmul2, [a, b]);
  const da = a.ndim;
  const db = b.ndim;
  if (da === 0 || db === 0) throw new Error(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) return squeeze_dims(mm(unsqueeze(a, 0), b), [0], 'SqueezeBackward3');
  if (da === 2 && db === 2) return mm(a, b);
  if (da === 3 && db === 3 && a._shape[0] !== b._shape[0]) {
    // a batch of one that needs a gradient is squeezed rather than expanded, so its gradient is not a batch summed later
    if (a._shape[0] === 1 && a.requires_grad) return matmul(squeeze(a, 0), b);
    if (b._shape[0] === 1 && b.requires_grad) return matmul(a, squeeze(b, 0));
  }
  if (should_fold(a, b)) {
    // the ≥3-D side is folded into the rows of one mm / mv; a ≥3-D right side is folded through its transpose,
    // (bᵀ @ aᵀ)ᵀ, and the transposed result is copied contiguous (CloneBackward0)
    const transposed = db > da;
    const t1 = transposed ? transpose(b, -1, -2) : a;
    const t2 = !transposed ? b : da === 2 ? t(a) : a;
    const out_shape = t1._shape.slice(0, -1);
    const folded = reshape(t1, [numel_of(out_shape), t1._shape[t1.ndim - 1]!]);
    if (t2.ndim === 1) return unsafe_view(mv(folded, t2), out_shape);
    const r = unsafe_view(mm(folded, t2), [...out_shape, t2._shape[1]!]);
    return transposed ? contiguous(transpose(r, -1, -2)) : r;
  }
  const a3 = da === 1 ? unsqueeze(a, 0) : a;
  const b3 = db === 1 ? unsqueeze(b, 1) : b;
  const n = a3._shape[a3.ndim - 2]!;
  const m1 = a3._shape[a3.ndim - 1]!;
  const m2 = b3._shape[b3.ndim - 2]!;
  const p = b3._shape[b3.ndim - 1]!;
  if (m1 !== m2) throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${numel_of(a3._shape.slice(0, -2))}, ${m1}] but got: [${numel_of(b3._shape.slice(0, -2))}, ${m2}].`);
  const batch = broadcast_shapes(a3._shape.slice(0, -2), b3._shape.slice(0, -2));
  const nb = numel_of(batch);
  const ae = reshape(expand(a3, [...batch, n, m1]), [nb, n, m1]);
  const be = reshape(expand(b3, [...batch, m2, p]), [nb, m2, p]);
  const r = bmm(ae, be);
  const out_shape = [...batch, ...(da === 1 ? [] : [n]), ...(db === 1 ? [] : [p])];
  return unsafe_view(r, out_shape);
}

/**
 * `input @ weight.T + bias` for any number of leading dims (AddmmBackward0 for 2-D input with bias).
 *
 * @example
 * F.linear(x, W, b);
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (tracing) return trace_op('aten::linear', linear, [input, weight, bias]);
  if (input._shape[input.ndim - 1] !== weight._shape[1]) {
    const rows = numel_of(input._shape.slice(0, -1));
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${rows}x${input._shape[input.ndim - 1]} and ${weight._shape[1]}x${weight._shape[0]})`);
  }
  if (input.ndim === 2 && bias !== null) return addmm(bias, input, t(weight));
  if (input.ndim === 3 && bias !== null && input.is_contiguous()) {
    const out = addmm(bias, flatten(input, 0, 1), t(weight));
    return view(out, [input._shape[0]!, input._shape[1]!, weight._shape[0]!]);
  }
  const out = matmul(input, t(weight));
  return bias === null ? out : add(out, bias);
}

const BADDBMM = signature<{ input: Tensor; batch1: Tensor; batch2: Tensor; beta: Scalar; alpha: Scalar }>('baddbmm(Tensor input, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1)');
/**
 * `beta·input + alpha·(batch1 @ batch2)` per batch, `input` broadcast to the result (BaddbmmBackward0; edges:
 * input, batch1, batch2). Attention adds its float mask this way.
 *
 * @example
 * torch.baddbmm(mask, q, k.transpose(-2, -1));
 */
export function baddbmm(...args: PyArgs<[input: Tensor, batch1: Tensor, batch2: Tensor], { input?: Tensor; batch1?: Tensor; batch2?: Tensor; beta?: Scalar; alpha?: Scalar }>): Tensor {
  if (tracing) return trace_op('aten::baddbmm', baddbmm, args, BADDBMM);
  const p = BADDBMM.parse(args);
  const [input, batch1, batch2, beta, alpha] = [p.input, p.batch1, p.batch2, Number(p.beta), Number(p.alpha)];
  const prod = bmm(batch1.detach(), batch2.detach());
  const shape = prod._shape;
  const scaled = alpha === 1 ? prod : mul(prod, alpha);
  const out = beta === 0 ? scaled : add(beta === 1 ? input.detach() : mul(input.detach(), beta), scaled);
  if (out._shape.length !== 3 || out._shape.some((s, i) => s !== shape[i])) {
    throw new Error(`The expanded size of the tensor (${shape[2]}) must match the existing size (${input._shape[input.ndim - 1]}) at non-singleton dimension 2.  Target sizes: [${shape.join(', ')}].  Tensor sizes: [${input._shape.join(', ')}]`);
  }
  record('BaddbmmBackward0', [input, batch1, batch2], [out], (ctx, [g]) => {
    const [x, y] = ctx.saved_tensors;
    const gs = alpha === 1 ? g! : mul(g!, alpha);
    return [
      ctx.needs_input_grad(0) ? sum_to(beta === 1 ? g! : mul(g!, beta), input._shape) : null,
      ctx.needs_input_grad(1) ? bmm(gs, transpose(y!, 1, 2)) : null,
      ctx.needs_input_grad(2) ? bmm(transpose(x!, 1, 2), gs) : null,
    ];
  }, [batch1, batch2]);
  return out;
}
