// nn.utils.rnn: padding a list of variable-length sequences into one tensor and back (pad_sequence,
// unpad_sequence), composed as PyTorch composes them.
import * as torch from '@tsgrad/core';
import { signature, Tensor } from '@tsgrad/core';

const PAD = signature<{ sequences: Tensor[]; batch_first: boolean; padding_value: number; padding_side: string }>(
  "pad_sequence(Tensor[] sequences, bool batch_first=False, float padding_value=0.0, str padding_side='right')");
const UNPAD = signature<{ padded_sequences: Tensor; lengths: Tensor; batch_first: boolean }>(
  'unpad_sequence(Tensor padded_sequences, Tensor lengths, bool batch_first=False)');

/**
 * Stacks sequences of different lengths (`L_i × *`) into one tensor `T × B × *` (`B × T × *` with
 * `batch_first`), T the longest, the rest filled with `padding_value` (on the right, or the left with
 * `padding_side: 'left'`). Each sequence is copied into its slice (CopySlices), so gradients reach each one.
 *
 * @example
 * nn.utils.rnn.pad_sequence([torch.ones(3, 2), torch.ones(1, 2)], { batch_first: true }).shape; // [2, 3, 2]
 */
export function pad_sequence(...args: [sequences: readonly Tensor[], batch_first?: boolean, padding_value?: number, options?: { batch_first?: boolean; padding_value?: number; padding_side?: 'left' | 'right' }] | [{ sequences: readonly Tensor[]; batch_first?: boolean; padding_value?: number; padding_side?: 'left' | 'right' }]): Tensor {
  const { sequences, batch_first, padding_value, padding_side } = PAD.parse(args);
  if (sequences.length === 0) throw new Error('received an empty list of sequences');
  if (padding_side !== 'left' && padding_side !== 'right') throw new Error(`Expected padding_side to be one of left or right, but got ${padding_side}.`);
  const first = sequences[0]!;
  const longest = Math.max(...sequences.map((s) => s._shape[0] ?? 1));
  const trailing = first._shape.slice(1);
  const shape = batch_first ? [sequences.length, longest, ...trailing] : [longest, sequences.length, ...trailing];
  const out = torch.full(shape, padding_value, { dtype: first.dtype });
  sequences.forEach((seq, i) => {
    const n = seq._shape[0]!;
    const slot = out.select(batch_first ? 0 : 1, i);
    slot.narrow(0, padding_side === 'right' ? 0 : longest - n, n).copy_(seq);
  });
  return out;
}

/**
 * The sequences of a padded batch, each cut back to its length (the inverse of {@link pad_sequence}).
 *
 * @example
 * nn.utils.rnn.unpad_sequence(padded, torch.tensor([3, 1], { dtype: 'int64' }), { batch_first: true });
 */
export function unpad_sequence(...args: [padded_sequences: Tensor, lengths: Tensor, batch_first?: boolean, options?: { batch_first?: boolean }] | [{ padded_sequences: Tensor; lengths: Tensor; batch_first?: boolean }]): Tensor[] {
  const { padded_sequences, lengths, batch_first } = UNPAD.parse(args);
  const batch = batch_first ? padded_sequences : padded_sequences.transpose(0, 1);
  return [...lengths._contiguous_data()].map((n, i) => batch.select(0, i).index([torch.arange(Number(n))]));
}
