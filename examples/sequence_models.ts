// Sequence models composed from torch.nn: an LSTM text classifier and a tiny GPT (pre-norm blocks of causal
// self-attention and a GELU MLP, weights tied between the token embedding and the output head). Their module
// trees mirror the PyTorch classes of models.json, so state_dicts interchange.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

/**
 * Embedding → 2-layer bidirectional LSTM (batch_first) → mean over time → Linear.
 *
 * @example
 * const model = new LSTMClassifier(50, 16, 24, 2, 5, 0);
 * model.call(tokens).shape; // [B, 5]
 */
export class LSTMClassifier extends nn.Module {
  static override readonly __name__ = 'LSTMClassifier';
  declare embedding: nn.Embedding;
  declare lstm: nn.LSTM;
  declare fc: nn.Linear;

  constructor(vocab: number, embed_dim: number, hidden: number, num_layers: number, num_classes: number, padding_idx: number | null = null) {
    super();
    this.embedding = new nn.Embedding(vocab, embed_dim, { padding_idx });
    this.lstm = new nn.LSTM(embed_dim, hidden, { num_layers, batch_first: true, bidirectional: true });
    this.fc = new nn.Linear(2 * hidden, num_classes);
  }

  override forward(tokens: Tensor): Tensor {
    const [out] = this.lstm.call(this.embedding.call(tokens));
    return this.fc.call(out.mean(1));
  }
}

/**
 * Pre-norm transformer block: `x + attn(ln1(x))` with a causal mask, then `x + mlp(ln2(x))`.
 *
 * @example
 * new Block(32, 4).call(x, mask);
 */
export class Block extends nn.Module {
  static override readonly __name__ = 'Block';
  declare ln1: nn.LayerNorm;
  declare attn: nn.MultiheadAttention;
  declare ln2: nn.LayerNorm;
  declare mlp: nn.Sequential;

  constructor(d_model: number, n_head: number) {
    super();
    this.ln1 = new nn.LayerNorm(d_model);
    this.attn = new nn.MultiheadAttention(d_model, n_head, { batch_first: true });
    this.ln2 = new nn.LayerNorm(d_model);
    this.mlp = new nn.Sequential(new nn.Linear(d_model, 4 * d_model), new nn.GELU(), new nn.Linear(4 * d_model, d_model));
  }

  override forward(x: Tensor, mask: Tensor): Tensor {
    const h = this.ln1.call(x);
    const [a] = this.attn.call(h, h, h, nn.kwargs({ attn_mask: mask, need_weights: false }));
    const y = x.add(a);
    return y.add(this.mlp.call(this.ln2.call(y)));
  }
}

/** TinyGPT's sizes. */
export interface TinyGPTConfig {
  vocab: number;
  block_size: number;
  d_model: number;
  n_head: number;
  n_layer: number;
}

/**
 * Token embedding plus learned positions, `n_layer` Blocks, a final LayerNorm and an output head tied to the
 * token embedding. The causal mask is a non-persistent bool buffer (True = masked). Sequences shorter than
 * `block_size` use the leading positions.
 *
 * @example
 * const gpt = new TinyGPT({ vocab: 40, block_size: 8, d_model: 32, n_head: 4, n_layer: 2 });
 * gpt.call(tokens).shape; // [B, T, 40]
 */
export class TinyGPT extends nn.Module {
  static override readonly __name__ = 'TinyGPT';
  declare tok_emb: nn.Embedding;
  declare pos_emb: nn.Parameter;
  declare blocks: nn.ModuleList;
  declare ln_f: nn.LayerNorm;
  declare lm_head: nn.Linear;
  declare causal_mask: Tensor;
  readonly block_size: number;

  constructor(config: TinyGPTConfig) {
    super();
    const { vocab, block_size, d_model, n_head, n_layer } = config;
    this.block_size = block_size;
    this.tok_emb = new nn.Embedding(vocab, d_model);
    this.pos_emb = new nn.Parameter(torch.zeros([block_size, d_model]));
    this.blocks = new nn.ModuleList(Array.from({ length: n_layer }, () => new Block(d_model, n_head)));
    this.ln_f = new nn.LayerNorm(d_model);
    this.lm_head = new nn.Linear(d_model, vocab, { bias: false });
    this.lm_head.weight = this.tok_emb.weight;
    this.register_buffer('causal_mask', torch.triu(torch.ones([block_size, block_size], { dtype: 'bool' }), 1), { persistent: false });
  }

  override forward(tokens: Tensor): Tensor {
    const T = tokens.shape[1]!;
    if (T > this.block_size) throw new Error(`sequence of length ${T} is longer than block_size ${this.block_size}`);
    const pos = T === this.block_size ? this.pos_emb : this.pos_emb.narrow(0, 0, T);
    const mask = T === this.block_size ? this.causal_mask : this.causal_mask.narrow(0, 0, T).narrow(1, 0, T);
    let x = this.tok_emb.call(tokens).add(pos);
    for (const block of this.blocks) x = (block as Block).call(x, mask);
    return this.lm_head.call(this.ln_f.call(x));
  }
}
