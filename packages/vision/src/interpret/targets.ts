// What to explain: picking the model's output tensor and one score per sample from class indices or a function.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';

/** Picks the tensor to explain from a model's raw output (for models that return tuples or records). */
export type OutputSelector = (output: unknown) => Tensor;

/** Maps the model's output `[N, ...]` to one score per sample (`[N]`, or `[]` for a batch of one). */
export type ScoreFunction = (output: Tensor) => Tensor;

/**
 * What to explain: a class index for every sample (`number` applies to the whole batch), one per sample as
 * an array or int64 tensor `[N]`, or a scoring function returning one score per sample.
 */
export type Target = number | readonly number[] | Tensor | ScoreFunction;

/** Options every interpret tool takes. */
export interface OutputOptions {
  /** Picks the tensor to explain when the model does not return a single Tensor, e.g. `(out) => (out as Tensor[])[0]`. */
  output_selector?: OutputSelector;
}

function describe_value(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length} values`;
  if (v instanceof torch.Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  return typeof v === 'object' ? `a ${torch.class_name(v as object)}` : `a ${typeof v}`;
}

/**
 * The tensor to explain: `output` itself when it is a Tensor, otherwise what `output_selector` picks.
 *
 * @example
 * const logits = select_output(net.call(x), (out) => (out as Tensor[])[0]!);
 */
export function select_output(output: unknown, output_selector?: OutputSelector): Tensor {
  if (output_selector !== undefined) {
    const picked = output_selector(output);
    if (!(picked instanceof torch.Tensor)) throw new Error(`output_selector returned ${describe_value(picked)}, expected a Tensor`);
    return picked;
  }
  if (output instanceof torch.Tensor) return output;
  throw new Error(`the model returned ${describe_value(output)}, not a Tensor; pass { output_selector } to pick the tensor to explain`);
}

/**
 * Class indices for a batch of `n`: a number applies to every sample; arrays and tensors must hold exactly
 * one index per sample.
 *
 * @example
 * class_indices([3, 1], 2); // [3, 1]
 * class_indices(7, 3);      // [7, 7, 7]
 */
export function class_indices(target: Exclude<Target, ScoreFunction>, n: number): number[] {
  let values: number[];
  if (typeof target === 'number') values = new Array<number>(n).fill(target);
  else if (target instanceof torch.Tensor) {
    if (target.is_floating_point()) throw new Error(`target tensor must hold class indices (int64), got dtype ${target._dtype}`);
    if (target.ndim > 1) throw new Error(`target tensor must be 1-D with one class index per sample, got shape [${target.shape.join(', ')}]`);
    values = Array.from(target.data_array(), Number);
    if (target.ndim === 0) values = new Array<number>(n).fill(values[0]!);
  } else values = [...target];
  if (values.length !== n) throw new Error(`got ${values.length} targets for a batch of ${n} samples; pass one target per sample`);
  for (const v of values) if (!Number.isInteger(v)) throw new Error(`target class ${v} is not an integer class index`);
  return values;
}

/**
 * One score per sample, `[N]`: `output[n, c_n]` for class indices (summed over any further dims, e.g. a
 * segmentation map's pixels), or the scoring function's result. Throws when the number of targets or
 * scores differs from the batch size.
 *
 * @example
 * const scores = target_scores(net.call(x), [3, 1]);                      // [out[0,3], out[1,1]]
 * target_scores(net.call(x), (o) => o.index([{}, 3]).sub(o.index([{}, 5]))); // class 3 versus class 5
 */
export function target_scores(output: Tensor, target: Target): Tensor {
  if (output.ndim === 0) throw new Error('the output to explain is a 0-dim tensor; it needs a batch dimension');
  const n = output.shape[0]!;
  if (typeof target === 'function') {
    const s = target(output);
    if (!(s instanceof torch.Tensor)) throw new Error(`the scoring function returned ${describe_value(s)}, expected a Tensor of ${n} scores`);
    if (s.numel() !== n) {
      throw new Error(`the scoring function returned ${s.numel()} scores (shape [${s.shape.join(', ')}]) for a batch of ${n} samples; it must return one score per sample`);
    }
    return s.reshape([n]);
  }
  if (output.ndim < 2) throw new Error(`class targets need an output of shape [N, classes, ...], got [${output.shape.join(', ')}]; pass a scoring function instead`);
  const classes = class_indices(target, n);
  const c = output.shape[1]!;
  for (const k of classes) if (k < -c || k >= c) throw new Error(`target class ${k} is out of range for an output of shape [${output.shape.join(', ')}]`);
  const rows = torch.arange(0, n, 1, { dtype: 'int64' });
  const cols = torch.tensor(classes, { dtype: 'int64' });
  const picked = output.index([rows, cols]);
  return picked.ndim === 1 ? picked : picked.reshape([n, -1]).sum(1);
}

/**
 * A fresh leaf sharing `x`'s values that requires grad, so gradients w.r.t. the input can be taken.
 *
 * @example
 * const leaf = input_leaf(x); // leaf.requires_grad === true, x untouched
 */
export function input_leaf(x: Tensor): Tensor {
  return x.detach().requires_grad_(true);
}
