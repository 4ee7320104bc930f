// Exact-gradient t-SNE (van der Maaten & Hinton 2008) in float64, for up to a few thousand points.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

const MACHINE_EPSILON = 2.220446049250313e-16;

/**
 * Index of pair `(i, j)`, `i < j`, in a packed upper triangle of an `n × n` matrix.
 *
 * @example
 * pair_index(0, 1, 4); // 0
 * pair_index(2, 3, 4); // 5
 */
export function pair_index(i: number, j: number, n: number): number {
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

function as_matrix(features: Tensor | readonly (readonly number[])[]): { data: Float64Array; n: number; d: number } {
  if (features instanceof torch.Tensor) {
    if (features.ndim !== 2) throw new Error(`tsne expects features of shape [n, d], got [${features.shape.join(', ')}]`);
    return { data: Float64Array.from(features.data_array(), Number), n: features.shape[0]!, d: features.shape[1]! };
  }
  const n = features.length;
  const d = features[0]?.length ?? 0;
  const data = new Float64Array(n * d);
  features.forEach((row, i) => {
    if (row.length !== d) throw new Error(`tsne expects rows of equal length: row 0 has ${d} values, row ${i} has ${row.length}`);
    data.set(row, i * d);
  });
  return { data, n, d };
}

/**
 * The symmetric joint probabilities `p_ij` of t-SNE as a packed upper triangle: per point a Gaussian
 * conditional `p_{j|i} ∝ exp(−β_i·‖x_i − x_j‖²)` whose entropy matches `log(perplexity)` (binary search on
 * `β_i`, tolerance 1e-5, at most 100 steps), then `p_ij = (p_{j|i} + p_{i|j}) / Σ`, floored at machine epsilon.
 *
 * @example
 * const p = joint_probabilities(Float64Array.from([0, 0, 1, 0, 0, 1]), 3, 2, 1.5);
 */
export function joint_probabilities(x: Float64Array, n: number, d: number, perplexity: number): Float64Array {
  const desired = Math.log(perplexity);
  const cond = new Float64Array(n * n);
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let min = Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[i * d + t]! - x[j * d + t]!) ** 2;
      dist[j] = s;
      if (j !== i && s < min) min = s;
    }
    // shifting by the smallest distance leaves p_{j|i} and the entropy unchanged and avoids exp underflow
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    const row = cond.subarray(i * n, (i + 1) * n);
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        row[j] = j === i ? 0 : Math.exp(-(dist[j]! - min) * beta);
        sum += row[j]!;
      }
      if (sum === 0) sum = 1e-8;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        row[j]! /= sum;
        weighted += (dist[j]! - min) * row[j]!;
      }
      const diff = Math.log(sum) + beta * weighted - desired;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  const p = new Float64Array((n * (n - 1)) / 2);
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) total += 2 * (p[pair_index(i, j, n)] = cond[i * n + j]! + cond[j * n + i]!);
  total = Math.max(total, MACHINE_EPSILON);
  for (let k = 0; k < p.length; k++) p[k] = Math.max(p[k]! / total, MACHINE_EPSILON);
  return p;
}

/**
 * KL(P‖Q) of a 2-D embedding `y` (`[n·2]`, row-major) and its exact gradient
 * `∂KL/∂y_i = 4 Σ_j (e·p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)⁻¹` with `q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Z`
 * (Student-t, one degree of freedom) and `e` the exaggeration; the KL is that of `e·P`, as sklearn reports it
 * (0 when `with_kl` is false, which skips its logarithms). `w` is scratch space of `p.length` values.
 *
 * @example
 * const grad = new Float64Array(2 * n);
 * const kl = kl_gradient(p, y, n, 1, grad, new Float64Array(p.length));
 */
export function kl_gradient(p: Float64Array, y: Float64Array, n: number, exaggeration: number, grad: Float64Array, w: Float64Array, with_kl = true): number {
  // pairs (i, j), i < j, are visited in packed order, so their index is a running counter
  let z = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const yi0 = y[2 * i]!;
    const yi1 = y[2 * i + 1]!;
    for (let j = i + 1; j < n; j++, k++) {
      const dy0 = yi0 - y[2 * j]!;
      const dy1 = yi1 - y[2 * j + 1]!;
      const v = 1 / (1 + dy0 * dy0 + dy1 * dy1);
      w[k] = v;
      z += 2 * v;
    }
  }
  grad.fill(0);
  let kl = 0;
  k = 0;
  for (let i = 0; i < n; i++) {
    const yi0 = y[2 * i]!;
    const yi1 = y[2 * i + 1]!;
    let gi0 = 0;
    let gi1 = 0;
    for (let j = i + 1; j < n; j++, k++) {
      const pij = exaggeration * p[k]!;
      const q = w[k]! / z;
      if (with_kl) kl += 2 * pij * Math.log(Math.max(pij, MACHINE_EPSILON) / Math.max(q, MACHINE_EPSILON));
      const f = 4 * (pij - q) * w[k]!;
      const g0 = f * (yi0 - y[2 * j]!);
      const g1 = f * (yi1 - y[2 * j + 1]!);
      gi0 += g0;
      gi1 += g1;
      grad[2 * j]! -= g0;
      grad[2 * j + 1]! -= g1;
    }
    grad[2 * i]! += gi0;
    grad[2 * i + 1]! += gi1;
  }
  return kl;
}

/** The first two principal components of the rows of `x` (power iteration with deflation), scaled so the first has std 1e-4. */
function pca_init(x: Float64Array, n: number, d: number, generator: torch.Generator): Float64Array {
  const centered = new Float64Array(x);
  for (let t = 0; t < d; t++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i * d + t]!;
    m /= n;
    for (let i = 0; i < n; i++) centered[i * d + t]! -= m;
  }
  const y = new Float64Array(2 * n);
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: d }, () => generator.normal());
    for (let it = 0; it < 300; it++) {
      const xv = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) xv[i]! += centered[i * d + t]! * v[t]!;
      const next = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) next[t]! += centered[i * d + t]! * xv[i]!;
      for (const u of components) {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += next[t]! * u[t]!;
        for (let t = 0; t < d; t++) next[t]! -= dot * u[t]!;
      }
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      let change = 0;
      for (let t = 0; t < d; t++) change += Math.abs(next[t]! / norm - v[t]!);
      v = next.map((e) => e / norm);
      if (change < 1e-10) break;
    }
    // deterministic sign: the largest-magnitude entry is positive
    let arg = 0;
    for (let t = 1; t < d; t++) if (Math.abs(v[t]!) > Math.abs(v[arg]!)) arg = t;
    if (v[arg]! < 0) v = v.map((e) => -e);
    components.push(v);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += centered[i * d + t]! * v[t]!;
      y[2 * i + c] = s;
    }
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[2 * i]!;
  mean /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (y[2 * i]! - mean) ** 2;
  const std = Math.sqrt(sq / n);
  return std > 0 ? y.map((e) => (e / std) * 1e-4) : y;
}

/** Options of `tsne`. */
export interface TsneOptions {
  /** Effective number of neighbours (default 30); must be less than the number of points. */
  perplexity?: number;
  /** Total gradient steps (default 1000). */
  iterations?: number;
  /** Seed of the initialization (default 0). */
  seed?: number;
  /** Step size, or `'auto'` = `max(n / early_exaggeration / 4, 50)` (default). */
  learning_rate?: number | 'auto';
  /** Factor on P during the first phase (default 12). */
  early_exaggeration?: number;
  /** Length of the exaggerated phase (default 250, capped at `iterations`). */
  exaggeration_iterations?: number;
  /** `'pca'` (default: first two principal components, std 1e-4) or `'random'` (`1e-4·N(0, 1)`). */
  init?: 'pca' | 'random';
}

/** What `tsne` returns. */
export interface TsneResult {
  /** `[n, 2]` float64. */
  embedding: Tensor;
  /** KL(P‖Q) at the end. */
  kl_divergence: number;
}

/**
 * A 2-D t-SNE embedding with the exact O(n²) gradient, optimized as scikit-learn does: early exaggeration
 * with momentum 0.5, then momentum 0.8, per-coordinate adaptive gains (+0.2 / ×0.8, min 0.01). Time and
 * memory grow with n² (about 6 s for 1000 points × 1000 iterations in Node; n = 3000 needs 72 MB for the
 * affinities, then two packed triangles of 36 MB), so feed compact features (e.g. SimpleNet's 50
 * penultimate units) and up to a few thousand points.
 *
 * @example
 * const feats = layer_features(net.eval(), 'fc', images);
 * const { embedding } = tsne(feats, { perplexity: 30, iterations: 1000, seed: 0 });
 */
export function tsne(features: Tensor | readonly (readonly number[])[], options: TsneOptions = {}): TsneResult {
  const { data, n, d } = as_matrix(features);
  const perplexity = options.perplexity ?? 30;
  const iterations = options.iterations ?? 1000;
  const exaggeration = options.early_exaggeration ?? 12;
  if (n < 2) throw new Error(`tsne needs at least 2 points, got ${n}`);
  if (!(perplexity > 0) || perplexity >= n) throw new Error(`tsne perplexity (${perplexity}) must be positive and less than the number of points (${n})`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`tsne iterations must be a non-negative integer, got ${iterations}`);
  for (const v of data) if (!Number.isFinite(v)) throw new Error('tsne features contain NaN or infinite values');
  const lr_opt = options.learning_rate ?? 'auto';
  const lr = lr_opt === 'auto' ? Math.max(n / exaggeration / 4, 50) : lr_opt;
  const generator = new torch.Generator().manual_seed(options.seed ?? 0);
  const p = joint_probabilities(data, n, d, perplexity);
  const y = (options.init ?? 'pca') === 'pca' ? pca_init(data, n, d, generator) : Float64Array.from({ length: 2 * n }, () => 1e-4 * generator.normal());
  const grad = new Float64Array(2 * n);
  const w = new Float64Array(p.length);
  const phase1 = Math.min(options.exaggeration_iterations ?? 250, iterations);
  const phases: [number, number, number][] = [[phase1, 0.5, exaggeration], [iterations - phase1, 0.8, 1]];
  for (const [count, momentum, exag] of phases) {
    const update = new Float64Array(2 * n);
    const gains = new Float64Array(2 * n).fill(1);
    for (let it = 0; it < count; it++) {
      kl_gradient(p, y, n, exag, grad, w, false);
      for (let k = 0; k < 2 * n; k++) {
        gains[k] = update[k]! * grad[k]! < 0 ? gains[k]! + 0.2 : Math.max(gains[k]! * 0.8, 0.01);
        update[k] = momentum * update[k]! - lr * gains[k]! * grad[k]!;
        y[k]! += update[k]!;
      }
    }
  }
  const kl = kl_gradient(p, y, n, 1, grad, w);
  return { embedding: torch.from_array(y, [n, 2], 'float64'), kl_divergence: kl };
}
