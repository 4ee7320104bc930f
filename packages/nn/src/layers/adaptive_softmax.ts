// AdaptiveLogSoftmaxWithLoss: a shortlist of frequent classes in the head, rarer ones in clusters behind
// low-rank projections (Grave et al., "Efficient softmax approximation for GPUs").
import * as torch from '@tsgrad/core';
import { signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { Linear } from './linear.js';
import { ModuleList, Sequential } from './container.js';

/** `[output, loss]` that also names its fields, as PyTorch's `_ASMoutput` namedtuple. */
export type ASMOutput = [Tensor, Tensor] & {
  /** Log-probability of each target class, `[N]`. */
  readonly output: Tensor;
  /** The mean negative of `output`. */
  readonly loss: Tensor;
};

const SIG = signature<{ in_features: number; n_classes: number; cutoffs: number[]; div_value: number; head_bias: boolean; dtype: 'float32' | 'float64' | null }>(
  'AdaptiveLogSoftmaxWithLoss(int in_features, int n_classes, int[] cutoffs, float div_value=4.0, bool head_bias=False, Any device=None, ScalarType? dtype=None)', { native: { in_features: 'size' } }); // as torch.empty names it

/**
 * Efficient softmax approximation for many classes (Grave et al.): the `cutoffs[0]` most frequent classes and one
 * entry per cluster sit in the head; the rarer classes sit in clusters behind projections shrunk by `div_value`.
 * `call(input, target)` returns `[output, loss]` (the target log-probabilities and their mean negative); `log_prob`
 * and `predict` give the full distribution and the most likely class.
 *
 * @example
 * const asm = new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 8], { div_value: 2 });
 * const [output, loss] = asm.call(hidden, targets);
 */
export class AdaptiveLogSoftmaxWithLoss extends Module {
  static override readonly __name__: string = 'AdaptiveLogSoftmaxWithLoss';
  /** Features of each input sample. */
  readonly in_features: number;
  /** Number of classes. */
  readonly n_classes: number;
  /** The cutoffs with `n_classes` appended, as PyTorch stores them. */
  readonly cutoffs: number[];
  /** Each cluster's projection is `div_value` times smaller than the previous one. Default 4. */
  readonly div_value: number;
  /** Whether the head has a bias. Default false. */
  readonly head_bias: boolean;
  /** Classes in the head (`cutoffs[0]`). */
  readonly shortlist_size: number;
  /** Number of tail clusters. */
  readonly n_clusters: number;
  /** Outputs of the head: the shortlist plus one per cluster. */
  readonly head_size: number;
  /** The head: `Linear(in_features, head_size)`. */
  declare head: Linear;
  /** One `Sequential(Linear, Linear)` projection per cluster. */
  declare tail: ModuleList;

  constructor(...args: PyArgs<[in_features: number, n_classes: number, cutoffs: number[], div_value: number, head_bias: boolean], { in_features?: number; n_classes?: number; cutoffs?: number[]; div_value?: number; head_bias?: boolean; device?: unknown; dtype?: 'float32' | 'float64' | null }>) {
    super();
    const a = SIG.parse(args);
    const c = a.cutoffs;
    const sorted = c.every((v, i) => i === 0 || v > c[i - 1]!);
    if (!sorted || c.length === 0 || c[0]! <= 0 || c[c.length - 1]! > a.n_classes - 1) {
      throw new Error('cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1');
    }
    this.in_features = a.in_features;
    this.n_classes = a.n_classes;
    this.cutoffs = [...c, a.n_classes];
    this.div_value = a.div_value;
    this.head_bias = a.head_bias;
    this.shortlist_size = this.cutoffs[0]!;
    this.n_clusters = this.cutoffs.length - 1;
    this.head_size = this.shortlist_size + this.n_clusters;
    const dtype = a.dtype ?? undefined;
    this.head = new Linear(a.in_features, this.head_size, { bias: a.head_bias, dtype });
    const tail: Module[] = [];
    for (let i = 0; i < this.n_clusters; i++) {
      const hsz = Math.floor(a.in_features / a.div_value ** (i + 1));
      const osz = this.cutoffs[i + 1]! - this.cutoffs[i]!;
      tail.push(new Sequential(new Linear(a.in_features, hsz, { bias: false, dtype }), new Linear(hsz, osz, { bias: false, dtype })));
    }
    this.tail = new ModuleList(tail);
  }

  /** Log-probabilities of `target` (`output`) and their negated mean (`loss`). */
  override forward(input: Tensor, target: Tensor): ASMOutput {
    const batched = target.ndim === 1;
    if (target.ndim > 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
    if (batched && input.ndim !== 2) throw new Error('1D target tensor expects 2D input tensors, but found inputs with size');
    if (batched && input._shape[0] !== target._shape[0]) throw new Error('Input and target should have the same size in the batch dimension.');
    if (!batched && input.ndim !== 1) throw new Error('0D target tensor expects 1D input tensors, but found inputs with size');
    const x = batched ? input : input.unsqueeze(0);
    const t = batched ? target : target.unsqueeze(0);
    const tv = Array.from(t._contiguous_data(), Number);
    const bad = tv.filter((v) => v < 0 || v >= this.n_classes);
    if (bad.length > 0) {
      throw new Error(`Target values should be in [0, ${this.n_classes - 1}], but values in range [${Math.min(...tv)}, ${Math.max(...tv)}] were found. `);
    }
    // the head scores a shortlist class, or the cluster holding a rarer one
    const head_index = tv.map((v) => (v < this.shortlist_size ? v : this.shortlist_size + this.cluster_of(v) - 1));
    const head_logprob = torch.log_softmax(this.head.call(x) as Tensor, 1);
    let output = head_logprob.gather(1, torch.tensor(head_index, { dtype: 'int64' }).unsqueeze(1)).squeeze(1);
    for (let i = 1; i < this.cutoffs.length; i++) {
      const low = this.cutoffs[i - 1]!;
      const rows = tv.map((v) => v >= low && v < this.cutoffs[i]!);
      if (!rows.some(Boolean)) continue;
      // every row goes through the cluster; only its own rows keep the value (and so the gradient)
      const logprob = torch.log_softmax(this.tail.at(i - 1).call(x) as Tensor, 1);
      const relative = torch.tensor(tv.map((v, n) => (rows[n] ? v - low : 0)), { dtype: 'int64' }).unsqueeze(1);
      const local = logprob.gather(1, relative).squeeze(1);
      output = output.add(torch.where(torch.tensor(rows), local, 0));
    }
    const loss = output.neg().mean();
    return named_output(batched ? output : output.squeeze(0), loss);
  }

  /** Which cluster (1-based, 0 for the shortlist) holds class `v`. */
  private cluster_of(v: number): number {
    let i = 0;
    while (v >= this.cutoffs[i]!) i++;
    return i;
  }

  /** Log-probabilities of every class, `[N, n_classes]`. */
  log_prob(input: Tensor): Tensor {
    const head_logprob = torch.log_softmax(this.head.call(input) as Tensor, -1);
    const parts = [head_logprob.narrow(-1, 0, this.shortlist_size)];
    for (let i = 0; i < this.n_clusters; i++) {
      const cluster = torch.log_softmax(this.tail.at(i).call(input) as Tensor, -1);
      parts.push(cluster.add(head_logprob.narrow(-1, this.shortlist_size + i, 1)));
    }
    return torch.cat(parts, -1);
  }

  /** The most likely class of each row. */
  predict(input: Tensor): Tensor {
    return this.log_prob(input).argmax(-1);
  }
}

function named_output(output: Tensor, loss: Tensor): ASMOutput {
  const r = [output, loss] as [Tensor, Tensor] & { output: Tensor; loss: Tensor };
  Object.defineProperties(r, { output: { value: output }, loss: { value: loss } });
  return r;
}
