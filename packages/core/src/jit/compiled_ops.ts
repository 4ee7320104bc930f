// Ops a compiled replay runs as one kernel sequence where eager code runs several ops: attention without mask or
// dropout (scores, softmax and the weighted sum per head, in scratch memory planned once) and layer norm over the
// last dim, each writing into memory the plan gives it (see kernel_ops.ts).
import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../kernels/js/nn_kernels.js';
import { layer_norm_rows } from '../ops/layer_norm_rows.js';
import { numel_of } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Value, type Template } from './graph.js';
import type { KernelOp } from './kernel_ops.js';

/** The values a step reads and writes, by slot. */
export type Slots = unknown[];
/** One step of a compiled replay. */
export type Step = (s: Slots) => void;

/** Row-major offsets of each matrix of a `[..., R, C]` view (its leading dims walked in order). */
function matrix_offsets(t: Tensor): number[] {
  const lead = t.shape.slice(0, -2);
  const out: number[] = [];
  const idx = lead.map(() => 0);
  for (let b = 0, n = numel_of(lead); b < n; b++) {
    out.push(idx.reduce((o, i, d) => o + i * t._strides[d]!, 0));
    for (let d = lead.length - 1; d >= 0; d--) {
      if (++idx[d]! < lead[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * `softmax(q·kᵀ·scale)·v` per matrix as the eager op computes it (q and k each scaled by √scale and rounded,
 * the same GEMM calls, each exponential computed once and reused), reading q, k and v in place through their
 * strides and writing a contiguous result.
 */
export function attention(named: Record<string, Template>, tensor: (v: Value) => Tensor | null): KernelOp | null {
  const { query, key, value } = named;
  if (named.attn_mask !== null || named.dropout_p !== 0 || named.is_causal !== false) return null;
  if (!(query instanceof Value) || !(key instanceof Value) || !(value instanceof Value)) return null;
  const [q, k, v] = [tensor(query), tensor(key), tensor(value)];
  if (q === null || k === null || v === null || q.ndim < 3 || k.ndim !== q.ndim || v.ndim !== q.ndim) return null;
  if ([q, k, v].some((t) => t._dtype !== 'float32' || t._strides[t.ndim - 1] !== 1)) return null;
  const lead = q.shape.slice(0, -2);
  if (![k, v].every((t) => t.shape.slice(0, -2).every((s, i) => s === lead[i]))) return null;
  const [L, E] = q.shape.slice(-2) as [number, number];
  const [S, Ek] = k.shape.slice(-2) as [number, number];
  const [Sv, Ev] = v.shape.slice(-2) as [number, number];
  if (Ek !== E || Sv !== S) return null;
  const scale = named.scale;
  const root = Math.sqrt(typeof scale === 'number' ? scale : 1 / Math.sqrt(E));
  const [qo, ko, vo] = [matrix_offsets(q), matrix_offsets(k), matrix_offsets(v)];
  const [qr, kr, vr] = [q._strides[q.ndim - 2]!, k._strides[k.ndim - 2]!, v._strides[v.ndim - 2]!];
  const qs = new Float32Array(L * E);
  const ks = new Float32Array(S * E);
  // v is copied contiguous too: a GEMM copies its operand's whole span, which a head's strided rows make wide
  const vs = new Float32Array(S * Ev);
  const B = qo.length;
  // every head's scores at once, so the eager softmax kernel runs once over them, in place
  const p = new Float32Array(B * L * S);
  const scores = { data: p, shape: [B * L, S], strides: [S, 1], offset: 0 };
  const run = ([tq, tk, tv]: readonly Tensor[], out: Float32Array): void => {
    const [qd, kd, vd] = [tq!._storage.data as Float32Array, tk!._storage.data as Float32Array, tv!._storage.data as Float32Array];
    const k = kernels();
    for (let b = 0; b < B; b++) {
      for (let i = 0, src = tq!._offset + qo[b]!; i < L; i++, src += qr) for (let e = 0; e < E; e++) qs[i * E + e] = qd[src + e]! * root;
      for (let j = 0, src = tk!._offset + ko[b]!; j < S; j++, src += kr) for (let e = 0; e < E; e++) ks[j * E + e] = kd[src + e]! * root;
      k.gemm(false, true, L, S, E, 1, qs, 0, E, ks, 0, E, 0, p, b * L * S, S);
    }
    k.softmax(scores, 1, p, false);
    for (let b = 0; b < B; b++) {
      for (let j = 0, src = tv!._offset + vo[b]!; j < S; j++, src += vr) for (let e = 0; e < Ev; e++) vs[j * Ev + e] = vd[src + e]!;
      k.gemm(false, false, L, Ev, S, 1, p, b * L * S, S, vs, 0, Ev, 0, out, b * L * Ev, Ev);
    }
  };
  return { reads: [query, key, value], shape: [...lead, L, Ev], takes_relu: false, run };
}

/** Layer norm over the last dim of a contiguous float32 input: the eager op's own kernels, without the graph recording. */
export function layer_norm(named: Record<string, Template>, tensor: (v: Value) => Tensor | null): KernelOp | null {
  const { input, weight, bias, eps, normalized_shape } = named;
  if (!(input instanceof Value) || !Array.isArray(normalized_shape) || normalized_shape.length !== 1 || typeof eps !== 'number') return null;
  const x = tensor(input);
  if (x === null || x._dtype !== 'float32' || !x.is_contiguous()) return null;
  const affine = [weight, bias].map((t) => (t instanceof Value ? tensor(t) : null));
  if (affine.some((t, i) => (t === null ? [weight, bias][i] !== null : t._dtype !== 'float32' || !t.is_contiguous()))) return null;
  const D = x.shape[x.ndim - 1]!;
  const rows = D === 0 ? 0 : x.numel() / D;
  const has = [weight instanceof Value, bias instanceof Value];
  const reads = [input, weight, bias].filter((v): v is Value => v instanceof Value);
  return {
    reads,
    shape: [...x.shape],
    takes_relu: false,
    run: (xs, out) => {
      const w = has[0] ? xs[1]! : null;
      const b = has[1] ? xs[has[0] ? 2 : 1]! : null;
      layer_norm_rows(xs[0]!, rows, D, w, b, eps, out as FloatArray);
    },
  };
}
