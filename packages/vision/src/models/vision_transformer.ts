// torchvision's VisionTransformer (MLPBlock, EncoderBlock, Encoder): the same module tree, keys and repr, so
// torchvision weights load unchanged; built from nn.MultiheadAttention, nn.LayerNorm and nn.GELU.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { without_weights, type WeightsOptions } from './weights.js';

/** A norm layer for `hidden_dim` (torchvision's `norm_layer`, default LayerNorm with eps 1e-6). */
export type TokenNorm = (hidden_dim: number) => nn.Module;
const layer_norm: TokenNorm = (d) => new nn.LayerNorm(d, { eps: 1e-6 });

/**
 * Linear → GELU → Dropout → Linear → Dropout, children "0"…"4"; Xavier-uniform weights, N(0, 1e-6) biases.
 *
 * @example
 * new models.MLPBlock(768, 3072, 0.0).call(torch.randn([1, 197, 768])).shape; // [1, 197, 768]
 */
export class MLPBlock extends nn.Sequential {
  /** PyTorch's class name. */
  static override readonly __name__: string = 'MLPBlock';
  constructor(in_dim: number, mlp_dim: number, dropout: number) {
    super(new nn.Linear(in_dim, mlp_dim), new nn.GELU(), new nn.Dropout(dropout), new nn.Linear(mlp_dim, in_dim), new nn.Dropout(dropout));
    torch.no_grad(() => {
      for (const m of this.modules()) {
        if (!(m instanceof nn.Linear)) continue;
        nn.init.xavier_uniform_(m.weight);
        if (m.bias !== null) nn.init.normal_(m.bias, 0, 1e-6);
      }
    });
  }
}

/**
 * Pre-norm self-attention and MLP, each with a residual connection.
 *
 * @example
 * new models.EncoderBlock(12, 768, 3072, 0, 0).call(torch.randn([1, 197, 768])).shape; // [1, 197, 768]
 */
export class EncoderBlock extends nn.Module {
  static override readonly __name__: string = 'EncoderBlock';
  /** Attention heads. */
  readonly num_heads: number;
  /** Norm before self-attention. */
  declare ln_1: nn.Module;
  /** Self-attention over the tokens. */
  declare self_attention: nn.MultiheadAttention;
  /** Dropout after self-attention. */
  declare dropout: nn.Dropout;
  /** Norm before the MLP. */
  declare ln_2: nn.Module;
  /** The MLP block. */
  declare mlp: MLPBlock;

  constructor(num_heads: number, hidden_dim: number, mlp_dim: number, dropout: number, attention_dropout: number, norm_layer: TokenNorm = layer_norm) {
    super();
    this.num_heads = num_heads;
    this.ln_1 = norm_layer(hidden_dim);
    this.self_attention = new nn.MultiheadAttention(hidden_dim, num_heads, { dropout: attention_dropout, batch_first: true });
    this.dropout = new nn.Dropout(dropout);
    this.ln_2 = norm_layer(hidden_dim);
    this.mlp = new MLPBlock(hidden_dim, mlp_dim, dropout);
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3) throw new Error(`Expected (batch_size, seq_length, hidden_dim) got [${input.shape.join(', ')}]`);
    const h = this.ln_1.call(input) as Tensor;
    const [attended] = this.self_attention.call(h, h, h, nn.kwargs({ need_weights: false })) as [Tensor, Tensor | null];
    const x = (this.dropout.call(attended) as Tensor).add(input);
    return x.add(this.mlp.call(this.ln_2.call(x) as Tensor) as Tensor);
  }
}

/**
 * Learned position embeddings, dropout, `num_layers` encoder blocks (`encoder_layer_<i>`) and a final norm.
 *
 * @example
 * const enc = new models.Encoder(197, 12, 12, 768, 3072, 0, 0);
 * enc.call(torch.randn([1, 197, 768])).shape; // [1, 197, 768]
 */
export class Encoder extends nn.Module {
  static override readonly __name__: string = 'Encoder';
  /** Learned position embedding `[1, seq_length, hidden_dim]`, N(0, 0.02²). */
  declare pos_embedding: nn.Parameter;
  /** Dropout after adding the position embedding. */
  declare dropout: nn.Dropout;
  /** The encoder blocks, `encoder_layer_0`, …. */
  declare layers: nn.Sequential;
  /** Final norm. */
  declare ln: nn.Module;

  constructor(seq_length: number, num_layers: number, num_heads: number, hidden_dim: number, mlp_dim: number, dropout: number, attention_dropout: number, norm_layer: TokenNorm = layer_norm) {
    super();
    this.pos_embedding = new nn.Parameter(nn.init.normal_(torch.empty([1, seq_length, hidden_dim]), 0, 0.02));
    this.dropout = new nn.Dropout(dropout);
    const blocks = new Map<string, nn.Module>();
    for (let i = 0; i < num_layers; i++) blocks.set(`encoder_layer_${i}`, new EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout, attention_dropout, norm_layer));
    this.layers = new nn.Sequential(blocks);
    this.ln = norm_layer(hidden_dim);
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3) throw new Error(`Expected (batch_size, seq_length, hidden_dim) got [${input.shape.join(', ')}]`);
    return this.ln.call(this.layers.call(this.dropout.call(input.add(this.pos_embedding)) as Tensor)) as Tensor;
  }
}

/** torchvision's `VisionTransformer(...)` keyword arguments. */
export interface VisionTransformerOptions {
  /** Side of the square input image. */
  image_size: number;
  /** Side of the square patches (must divide `image_size`). */
  patch_size: number;
  /** Number of encoder blocks. */
  num_layers: number;
  /** Attention heads per block. */
  num_heads: number;
  /** Token width. */
  hidden_dim: number;
  /** Hidden width of the MLP blocks. */
  mlp_dim: number;
  /** Dropout probability. Default 0. */
  dropout?: number;
  /** Dropout on the attention weights. Default 0. */
  attention_dropout?: number;
  /** Number of classes. Default 1000. */
  num_classes?: number;
  /** If set, a `Linear` + `Tanh` pre-logits layer of this width before the head. */
  representation_size?: number | null;
  /** The token norm for a width; default `nn.LayerNorm(·, { eps: 1e-6 })`. */
  norm_layer?: TokenNorm;
}

/**
 * Vision Transformer (Dosovitskiy et al.): patches by a strided convolution, a class token, a pre-norm
 * transformer encoder, and a linear head on the class token.
 *
 * @example
 * const vit = new models.VisionTransformer({ image_size: 32, patch_size: 4, num_layers: 2, num_heads: 4, hidden_dim: 64, mlp_dim: 128, num_classes: 10 });
 * vit.call(torch.randn([2, 3, 32, 32])).shape; // [2, 10]
 */
export class VisionTransformer extends nn.Module {
  /** PyTorch's class name. */
  static override readonly __name__: string = 'VisionTransformer';
  /** Side of the square input image. */
  readonly image_size: number;
  /** Side of the patches. */
  readonly patch_size: number;
  /** Token width. */
  readonly hidden_dim: number;
  /** Hidden width of the MLP blocks. */
  readonly mlp_dim: number;
  /** Dropout on the attention weights. */
  readonly attention_dropout: number;
  /** Dropout probability. */
  readonly dropout: number;
  /** Number of classes. */
  readonly num_classes: number;
  /** Width of the pre-logits layer, or null. */
  readonly representation_size: number | null;
  /** Tokens per image: patches plus the class token. */
  readonly seq_length: number;
  /** Patch embedding: a convolution with kernel and stride `patch_size`. */
  declare conv_proj: nn.Conv2d;
  /** The learned class token `[1, 1, hidden_dim]`. */
  declare class_token: nn.Parameter;
  /** The transformer encoder. */
  declare encoder: Encoder;
  /** The classification head (`head`, after the optional `pre_logits` and `act`). */
  declare heads: nn.Sequential;

  constructor(options: VisionTransformerOptions) {
    super();
    const o = options;
    if (o.image_size % o.patch_size !== 0) throw new Error('Input shape indivisible by patch size!');
    this.image_size = o.image_size;
    this.patch_size = o.patch_size;
    this.hidden_dim = o.hidden_dim;
    this.mlp_dim = o.mlp_dim;
    this.attention_dropout = o.attention_dropout ?? 0;
    this.dropout = o.dropout ?? 0;
    this.num_classes = o.num_classes ?? 1000;
    this.representation_size = o.representation_size ?? null;
    const norm = o.norm_layer ?? layer_norm;
    this.conv_proj = new nn.Conv2d(3, o.hidden_dim, o.patch_size, { stride: o.patch_size });
    this.class_token = new nn.Parameter(torch.zeros([1, 1, o.hidden_dim]));
    this.seq_length = (o.image_size / o.patch_size) ** 2 + 1;
    this.encoder = new Encoder(this.seq_length, o.num_layers, o.num_heads, o.hidden_dim, o.mlp_dim, this.dropout, this.attention_dropout, norm);
    const heads = new Map<string, nn.Module>();
    if (this.representation_size === null) heads.set('head', new nn.Linear(o.hidden_dim, this.num_classes));
    else {
      heads.set('pre_logits', new nn.Linear(o.hidden_dim, this.representation_size));
      heads.set('act', new nn.Tanh());
      heads.set('head', new nn.Linear(this.representation_size, this.num_classes));
    }
    this.heads = new nn.Sequential(heads);
    torch.no_grad(() => {
      const fan_in = 3 * o.patch_size * o.patch_size;
      nn.init.trunc_normal_(this.conv_proj.weight, 0, Math.sqrt(1 / fan_in));
      if (this.conv_proj.bias !== null) nn.init.zeros_(this.conv_proj.bias);
      const pre = heads.get('pre_logits');
      if (pre instanceof nn.Linear) {
        nn.init.trunc_normal_(pre.weight, 0, Math.sqrt(1 / pre.in_features));
        if (pre.bias !== null) nn.init.zeros_(pre.bias);
      }
      const head = heads.get('head') as nn.Linear;
      nn.init.zeros_(head.weight);
      if (head.bias !== null) nn.init.zeros_(head.bias);
    });
  }

  /** `[N, 3, H, W]` → patch tokens `[N, (H/p)·(W/p), hidden_dim]`. */
  process_input(x: Tensor): Tensor {
    const [n, , h, w] = x.shape as [number, number, number, number];
    if (h !== this.image_size) throw new Error(`Wrong image height! Expected ${this.image_size} but got ${h}!`);
    if (w !== this.image_size) throw new Error(`Wrong image width! Expected ${this.image_size} but got ${w}!`);
    const p = this.patch_size;
    const tokens = (this.conv_proj.call(x) as Tensor).reshape([n, this.hidden_dim, (h / p) * (w / p)]);
    return tokens.permute([0, 2, 1]);
  }

  override forward(x: Tensor): Tensor {
    const tokens = this.process_input(x);
    const n = tokens.shape[0]!;
    const seq = torch.cat([this.class_token.expand(n, -1, -1), tokens], { dim: 1 });
    const encoded = this.encoder.call(seq) as Tensor;
    return this.heads.call(encoded.select(1, 0)) as Tensor;
  }
}

/**
 * ViT-B/16 (224×224, 12 layers, 12 heads, width 768).
 *
 * @example
 * const vit = models.vit_b_16({ image_size: 32, num_classes: 10 });
 */
export const vit_b_16 = (options: Partial<VisionTransformerOptions> & WeightsOptions = {}): VisionTransformer =>
  new VisionTransformer({ image_size: 224, patch_size: 16, num_layers: 12, num_heads: 12, hidden_dim: 768, mlp_dim: 3072, ...without_weights('vit_b_16', options) });
