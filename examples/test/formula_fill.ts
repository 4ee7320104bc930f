// Fills a module's state with models.json's weight formula, as the fixtures' make_resnet_steps.py `fill` does, so
// a step-by-step fixture needs no stored weights.
import * as torch from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { fill_values } from '../../packages/nn/test/model_cases.js';

/**
 * Every state_dict entry from the formula: offset and scale by the key's last component and the tensor's rank,
 * integer entries zeroed; a tied tensor is filled once, at its first key.
 *
 * @example
 * fill_formula(net, 0x2f6e5a17);
 */
export function fill_formula(net: nn.Module, salt: number): void {
  const seen = new Set<torch.Tensor>();
  torch.no_grad(() => {
    for (const [key, t] of Object.entries(net.state_dict({ keep_vars: true }))) {
      if (seen.has(t)) continue;
      seen.add(t);
      if (t._dtype === 'int64') {
        t.zero_();
        continue;
      }
      const last = key.split('.').at(-1)!;
      const [offset, scale] = last === 'running_var' ? [1, 0.5] : last === 'running_mean' ? [0, 0.1]
        : t.ndim >= 2 ? [0, Math.sqrt(3 / (t.numel() / t.shape[0]!))] : last.includes('bias') ? [0, 0.05] : [1, 0.1];
      t.copy_(torch.from_array(fill_values(key, t.numel(), offset, scale, salt), t.shape, 'float32'));
    }
  });
}
