// The Transformer family of PyTorch 2.x: encoder / decoder layers (post- or pre-norm), their stacks with an
// optional final norm, and nn.Transformer; layers are deep copies of the prototype layer, as PyTorch's clones.
import { full, gelu, relu, signature, triu, type PyArgs, type Tensor } from '@tsgrad/core';
import { xavier_uniform_ } from '../init.js';
import { kwargs } from '../kwargs.js';
import { deepcopy, Module, type ModuleState } from '../module.js';
import { canonical_mask, MultiheadAttention } from './attention.js';
import { ModuleList } from './container.js';
import { Linear } from './linear.js';
import { Dropout } from './misc.js';
import { LayerNorm } from './normalization.js';

type FloatDType = 'float32' | 'float64';
/** An activation: PyTorch's names, a function, or a module (registered as the `activation` child). */
export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

/** The activations PyTorch names, one function each, so torch.save can store them by name. */
const NAMED_ACTIVATIONS: Readonly<Record<'relu' | 'gelu', (x: Tensor) => Tensor>> = { relu: (x) => relu(x), gelu: (x) => gelu(x) };

function activation_fn(activation: Activation): ((x: Tensor) => Tensor) | Module {
  if (activation === 'relu' || activation === 'gelu') return NAMED_ACTIVATIONS[activation];
  if (typeof activation === 'string') throw new Error(`activation should be relu/gelu, not ${String(activation)}`);
  return activation;
}

/**
 * `[sz, sz]` float mask with -inf above the diagonal and 0 elsewhere: position i may attend to j ≤ i.
 *
 * @example
 * nn.Transformer.generate_square_subsequent_mask(3);
 */
export function generate_square_subsequent_mask(sz: number, options: { dtype?: FloatDType } = {}): Tensor {
  return triu(full([sz, sz], -Infinity, { dtype: options.dtype }), 1);
}

/** Whether `mask` is exactly the causal mask of its size (then `is_causal` may be assumed), as PyTorch's check. */
function detect_is_causal(mask: Tensor | null, is_causal: boolean | null, size: number): boolean {
  if (is_causal !== null) return is_causal;
  if (mask === null || mask.ndim !== 2 || mask._shape[0] !== size || mask._shape[1] !== size) return false;
  const causal = generate_square_subsequent_mask(size, { dtype: mask._dtype as FloatDType });
  return mask.eq(causal).logical_not().sum().item() === 0;
}

interface LayerParsed {
  d_model: number; nhead: number; dim_feedforward: number; dropout: number; activation: Activation; layer_norm_eps: number;
  batch_first: boolean; norm_first: boolean; bias: boolean; dtype: FloatDType | null;
}

/** Keyword options of the encoder and decoder layers. */
export interface TransformerLayerOptions {
  /** Width of the feed-forward block. Default 2048. */
  dim_feedforward?: number;
  /** Dropout probability. Default 0.1. */
  dropout?: number;
  /** The feed-forward activation: 'relu' (default), 'gelu', a function or a module. */
  activation?: Activation;
  /** eps of the layer norms. Default 1e-5. */
  layer_norm_eps?: number;
  /** Inputs and output as `[batch, seq, feature]`. Default false. */
  batch_first?: boolean;
  /** Layer norm before attention and feed-forward (pre-LN) instead of after. Default false. */
  norm_first?: boolean;
  /** Whether linear layers and layer norms have biases. Default true. */
  bias?: boolean;
  /** Parameter dtype; default the global default dtype. */
  dtype?: FloatDType | null;
}
type LayerArgs = PyArgs<[d_model: number, nhead: number, dim_feedforward: number, dropout: number, activation: Activation, layer_norm_eps: number, batch_first: boolean, norm_first: boolean, bias: boolean],
  TransformerLayerOptions & { d_model?: number; nhead?: number }>;

const LAYER_SCHEMA = (name: string): string =>
  `${name}(int d_model, int nhead, int dim_feedforward=2048, float dropout=0.1, str|Callable|Object activation='relu', float layer_norm_eps=1e-05, bool batch_first=False, bool norm_first=False, bool bias=True, Any device=None, ScalarType? dtype=None)`;
const ENCODER_LAYER = signature<LayerParsed>(LAYER_SCHEMA('TransformerEncoderLayer'));
const DECODER_LAYER = signature<LayerParsed>(LAYER_SCHEMA('TransformerDecoderLayer'));

/** The feed-forward block and norms shared by both layer kinds. */
abstract class TransformerLayerBase extends Module {
  /** Self-attention block. */
  declare self_attn: MultiheadAttention;
  /** First feed-forward layer `Linear(d_model, dim_feedforward)`. */
  declare linear1: Linear;
  /** Dropout inside the feed-forward block. */
  declare dropout: Dropout;
  /** Second feed-forward layer `Linear(dim_feedforward, d_model)`. */
  declare linear2: Linear;
  /** Whether the norms come first (pre-LN). */
  readonly norm_first: boolean;
  /** Norm around the self-attention block. */
  declare norm1: LayerNorm;
  /** Norm around the next block. */
  declare norm2: LayerNorm;
  /** Dropout after self-attention. */
  declare dropout1: Dropout;
  /** Dropout after the next block. */
  declare dropout2: Dropout;
  /** The feed-forward activation (a child module when given as one). */
  activation: ((x: Tensor) => Tensor) | Module;

  protected constructor(a: LayerParsed, cross_attention: boolean) {
    super();
    const dtype = a.dtype ?? undefined;
    this.self_attn = new MultiheadAttention(a.d_model, a.nhead, { dropout: a.dropout, bias: a.bias, batch_first: a.batch_first, dtype });
    if (cross_attention) this.register_module('multihead_attn', new MultiheadAttention(a.d_model, a.nhead, { dropout: a.dropout, bias: a.bias, batch_first: a.batch_first, dtype }));
    this.linear1 = new Linear(a.d_model, a.dim_feedforward, { bias: a.bias, dtype });
    this.dropout = new Dropout(a.dropout);
    this.linear2 = new Linear(a.dim_feedforward, a.d_model, { bias: a.bias, dtype });
    this.norm_first = a.norm_first;
    const norm = (): LayerNorm => new LayerNorm(a.d_model, { eps: a.layer_norm_eps, bias: a.bias, dtype });
    this.norm1 = norm();
    this.norm2 = norm();
    if (cross_attention) this.register_module('norm3', norm());
    this.dropout1 = new Dropout(a.dropout);
    this.dropout2 = new Dropout(a.dropout);
    if (cross_attention) this.register_module('dropout3', new Dropout(a.dropout));
    this.activation = activation_fn(a.activation);
  }

  /**
   * The module's state for torch.save, its activation by name when it is relu or gelu (PyTorch pickles
   * `F.relu` by reference; a function of your own cannot be saved).
   *
   * @example
   * torch.save(layer, 'layer.pth');
   */
  override __getstate__(): ModuleState {
    const state = super.__getstate__();
    const name = (Object.keys(NAMED_ACTIVATIONS) as ('relu' | 'gelu')[]).find((k) => NAMED_ACTIVATIONS[k] === state.attributes.activation);
    return name === undefined ? state : { ...state, attributes: { ...state.attributes, activation: name } };
  }

  /**
   * Restores a state from {@link __getstate__}, the activation's name back to its function.
   *
   * @example
   * const copy = nn.deepcopy(layer); // goes through __getstate__ / __setstate__
   */
  override __setstate__(state: ModuleState): void {
    const a = state.attributes.activation;
    super.__setstate__(typeof a === 'string' ? { ...state, attributes: { ...state.attributes, activation: activation_fn(a as Activation) } } : state);
  }

  /**
   * Self-attention on `x` (weights not needed), then dropout1.
   * @internal
   */
  protected sa_block(x: Tensor, attn_mask: Tensor | null, key_padding_mask: Tensor | null, is_causal: boolean): Tensor {
    const [out] = this.self_attn.call(x, x, x, kwargs({ attn_mask, key_padding_mask, need_weights: false, is_causal })) as [Tensor, Tensor | null];
    return this.dropout1.call(out);
  }

  /**
   * linear2(dropout(activation(linear1(x)))), then the block's last dropout.
   * @internal
   */
  protected ff_block(x: Tensor, last_dropout: Dropout): Tensor {
    const h = this.linear1.call(x);
    const act = this.activation instanceof Module ? (this.activation.call(h) as Tensor) : this.activation(h);
    return last_dropout.call(this.linear2.call(this.dropout.call(act)));
  }
}

const ENCODER_LAYER_FORWARD = signature<{ src: Tensor; src_mask: Tensor | null; src_key_padding_mask: Tensor | null; is_causal: boolean }>(
  'forward(Tensor src, Tensor? src_mask=None, Tensor? src_key_padding_mask=None, bool is_causal=False)',
);

/**
 * Self-attention then a feed-forward block, each residual, with LayerNorm after (default) or before
 * (`norm_first`) each block.
 *
 * @example
 * const layer = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, batch_first: true });
 * layer.call(x, nn.kwargs({ src_mask: mask }));
 */
export class TransformerEncoderLayer extends TransformerLayerBase {
  static override readonly __name__ = 'TransformerEncoderLayer';
  constructor(...args: LayerArgs) {
    super(ENCODER_LAYER.parse(args), false);
  }

  override forward(...args: PyArgs<[src: Tensor, src_mask: Tensor | null, src_key_padding_mask: Tensor | null, is_causal: boolean],
    { src?: Tensor; src_mask?: Tensor | null; src_key_padding_mask?: Tensor | null; is_causal?: boolean }>): Tensor {
    const a = ENCODER_LAYER_FORWARD.parse(args);
    const kpm = canonical_mask(a.src_key_padding_mask, 'src_key_padding_mask', a.src_mask, 'src_mask', a.src);
    const mask = canonical_mask(a.src_mask, 'src_mask', null, '', a.src, false);
    let x = a.src;
    if (this.norm_first) {
      x = x.add(this.sa_block(this.norm1.call(x), mask, kpm, a.is_causal));
      return x.add(this.ff_block(this.norm2.call(x), this.dropout2));
    }
    x = this.norm1.call(x.add(this.sa_block(x, mask, kpm, a.is_causal)));
    return this.norm2.call(x.add(this.ff_block(x, this.dropout2)));
  }
}

interface DecoderCall {
  tgt: Tensor; memory: Tensor; tgt_mask: Tensor | null; memory_mask: Tensor | null; tgt_key_padding_mask: Tensor | null;
  memory_key_padding_mask: Tensor | null; tgt_is_causal: boolean | null; memory_is_causal: boolean;
}
/** Keyword options of a decoder (layer) call after `tgt, memory`. */
export interface DecoderCallOptions {
  /** Mask of the target self-attention `[T, T]` (e.g. `generate_square_subsequent_mask(T)`). */
  tgt_mask?: Tensor | null;
  /** Mask of the attention over the memory `[T, S]`. */
  memory_mask?: Tensor | null;
  /** `[N, T]`: true marks padded target positions. */
  tgt_key_padding_mask?: Tensor | null;
  /** `[N, S]`: true marks padded memory positions. */
  memory_key_padding_mask?: Tensor | null;
  /** A hint that `tgt_mask` is the causal mask (null: detected). */
  tgt_is_causal?: boolean | null;
  /** A hint that `memory_mask` is the causal mask. Default false. */
  memory_is_causal?: boolean;
}
type DecoderArgs = PyArgs<[tgt: Tensor, memory: Tensor, tgt_mask: Tensor | null, memory_mask: Tensor | null, tgt_key_padding_mask: Tensor | null, memory_key_padding_mask: Tensor | null, tgt_is_causal: boolean | null, memory_is_causal: boolean],
  DecoderCallOptions & { tgt?: Tensor; memory?: Tensor }>;
const DECODER_SCHEMA = 'Tensor tgt, Tensor memory, Tensor? tgt_mask=None, Tensor? memory_mask=None, Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None';
const DECODER_LAYER_FORWARD = signature<DecoderCall>(`forward(${DECODER_SCHEMA}, bool? tgt_is_causal=False, bool memory_is_causal=False)`);

/**
 * Self-attention on the target, cross-attention to the encoder's `memory`, then a feed-forward block, each
 * residual, post- or pre-norm.
 *
 * @example
 * new nn.TransformerDecoderLayer(8, 2).call(tgt, memory, nn.kwargs({ tgt_mask }));
 */
export class TransformerDecoderLayer extends TransformerLayerBase {
  static override readonly __name__ = 'TransformerDecoderLayer';
  /** Attention over the encoder output (memory). */
  declare multihead_attn: MultiheadAttention;
  /** Norm around the feed-forward block. */
  declare norm3: LayerNorm;
  /** Dropout after the feed-forward block. */
  declare dropout3: Dropout;
  constructor(...args: LayerArgs) {
    super(DECODER_LAYER.parse(args), true);
  }

  private mha_block(x: Tensor, memory: Tensor, attn_mask: Tensor | null, key_padding_mask: Tensor | null, is_causal: boolean): Tensor {
    const [out] = this.multihead_attn.call(x, memory, memory, kwargs({ attn_mask, key_padding_mask, is_causal, need_weights: false })) as [Tensor, Tensor | null];
    return this.dropout2.call(out);
  }

  override forward(...args: DecoderArgs): Tensor {
    const a = DECODER_LAYER_FORWARD.parse(args);
    const causal = a.tgt_is_causal ?? false;
    let x = a.tgt;
    if (this.norm_first) {
      x = x.add(this.sa_block(this.norm1.call(x), a.tgt_mask, a.tgt_key_padding_mask, causal));
      x = x.add(this.mha_block(this.norm2.call(x), a.memory, a.memory_mask, a.memory_key_padding_mask, a.memory_is_causal));
      return x.add(this.ff_block(this.norm3.call(x), this.dropout3));
    }
    x = this.norm1.call(x.add(this.sa_block(x, a.tgt_mask, a.tgt_key_padding_mask, causal)));
    x = this.norm2.call(x.add(this.mha_block(x, a.memory, a.memory_mask, a.memory_key_padding_mask, a.memory_is_causal)));
    return this.norm3.call(x.add(this.ff_block(x, this.dropout3)));
  }
}

/** `num_layers` deep copies of `layer`, as PyTorch's `_get_clones`. */
function clones(layer: Module, num_layers: number): ModuleList {
  return new ModuleList(Array.from({ length: num_layers }, () => deepcopy(layer)));
}

const ENCODER = signature<{ encoder_layer: Module; num_layers: number; norm: Module | null; enable_nested_tensor: boolean; mask_check: boolean }>(
  'TransformerEncoder(Object encoder_layer, int num_layers, Object? norm=None, bool enable_nested_tensor=True, bool mask_check=True)',
);
const ENCODER_FORWARD = signature<{ src: Tensor; mask: Tensor | null; src_key_padding_mask: Tensor | null; is_causal: boolean | null }>(
  'forward(Tensor src, Tensor? mask=None, Tensor? src_key_padding_mask=None, bool? is_causal=None)',
);

/**
 * A stack of `num_layers` copies of an encoder layer, then `norm` when given.
 *
 * @example
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 2, { norm: new nn.LayerNorm(8) });
 */
export class TransformerEncoder extends Module {
  static override readonly __name__ = 'TransformerEncoder';
  /** The `num_layers` deep copies of the given layer. */
  declare layers: ModuleList;
  /** Number of layers. */
  readonly num_layers: number;
  /** Final norm after the last layer, or null. */
  declare norm: Module | null;
  constructor(...args: PyArgs<[encoder_layer: TransformerEncoderLayer, num_layers: number, norm: Module | null], { encoder_layer?: TransformerEncoderLayer; num_layers?: number; norm?: Module | null; enable_nested_tensor?: boolean; mask_check?: boolean }>) {
    super();
    const a = ENCODER.parse(args);
    this.layers = clones(a.encoder_layer, a.num_layers);
    this.num_layers = a.num_layers;
    this.norm = a.norm;
  }

  override forward(...args: PyArgs<[src: Tensor, mask: Tensor | null, src_key_padding_mask: Tensor | null, is_causal: boolean | null],
    { src?: Tensor; mask?: Tensor | null; src_key_padding_mask?: Tensor | null; is_causal?: boolean | null }>): Tensor {
    const a = ENCODER_FORWARD.parse(args);
    const kpm = canonical_mask(a.src_key_padding_mask, 'src_key_padding_mask', a.mask, 'mask', a.src);
    const mask = canonical_mask(a.mask, 'mask', null, '', a.src, false);
    const first = this.layers.at<TransformerEncoderLayer>(0);
    const seq_len = a.src.ndim === 2 ? a.src._shape[0]! : a.src._shape[first.self_attn.batch_first ? 1 : 0]!;
    const is_causal = detect_is_causal(mask, a.is_causal, seq_len);
    let out = a.src;
    for (const layer of this.layers) out = (layer as TransformerEncoderLayer).call(out, kwargs({ src_mask: mask, is_causal, src_key_padding_mask: kpm })) as Tensor;
    return this.norm === null ? out : (this.norm.call(out) as Tensor);
  }
}

const DECODER = signature<{ decoder_layer: Module; num_layers: number; norm: Module | null }>('TransformerDecoder(Object decoder_layer, int num_layers, Object? norm=None)');
const DECODER_FORWARD = signature<DecoderCall>(`forward(${DECODER_SCHEMA}, bool? tgt_is_causal=None, bool memory_is_causal=False)`);

/**
 * A stack of `num_layers` copies of a decoder layer, then `norm` when given.
 *
 * @example
 * new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2), 1).call(tgt, memory);
 */
export class TransformerDecoder extends Module {
  static override readonly __name__ = 'TransformerDecoder';
  /** The `num_layers` deep copies of the given layer. */
  declare layers: ModuleList;
  /** Number of layers. */
  readonly num_layers: number;
  /** Final norm after the last layer, or null. */
  declare norm: Module | null;
  constructor(...args: PyArgs<[decoder_layer: TransformerDecoderLayer, num_layers: number, norm: Module | null], { decoder_layer?: TransformerDecoderLayer; num_layers?: number; norm?: Module | null }>) {
    super();
    const a = DECODER.parse(args);
    this.layers = clones(a.decoder_layer, a.num_layers);
    this.num_layers = a.num_layers;
    this.norm = a.norm;
  }

  override forward(...args: DecoderArgs): Tensor {
    const a = DECODER_FORWARD.parse(args);
    const first = this.layers.at<TransformerDecoderLayer>(0);
    const seq_len = a.tgt.ndim === 2 ? a.tgt._shape[0]! : a.tgt._shape[first.self_attn.batch_first ? 1 : 0]!;
    const tgt_is_causal = detect_is_causal(a.tgt_mask, a.tgt_is_causal, seq_len);
    let out = a.tgt;
    for (const layer of this.layers) {
      out = (layer as TransformerDecoderLayer).call(out, a.memory, kwargs({
        tgt_mask: a.tgt_mask, memory_mask: a.memory_mask, tgt_key_padding_mask: a.tgt_key_padding_mask,
        memory_key_padding_mask: a.memory_key_padding_mask, tgt_is_causal, memory_is_causal: a.memory_is_causal,
      })) as Tensor;
    }
    return this.norm === null ? out : (this.norm.call(out) as Tensor);
  }
}

const TRANSFORMER = signature<{
  d_model: number; nhead: number; num_encoder_layers: number; num_decoder_layers: number; dim_feedforward: number; dropout: number;
  activation: Activation; custom_encoder: Module | null; custom_decoder: Module | null; layer_norm_eps: number; batch_first: boolean;
  norm_first: boolean; bias: boolean; dtype: FloatDType | null;
}>("Transformer(int d_model=512, int nhead=8, int num_encoder_layers=6, int num_decoder_layers=6, int dim_feedforward=2048, float dropout=0.1, str|Callable|Object activation='relu', Object? custom_encoder=None, Object? custom_decoder=None, float layer_norm_eps=1e-05, bool batch_first=False, bool norm_first=False, bool bias=True, Any device=None, ScalarType? dtype=None)");

const TRANSFORMER_FORWARD = signature<{
  src: Tensor; tgt: Tensor; src_mask: Tensor | null; tgt_mask: Tensor | null; memory_mask: Tensor | null; src_key_padding_mask: Tensor | null;
  tgt_key_padding_mask: Tensor | null; memory_key_padding_mask: Tensor | null; src_is_causal: boolean | null; tgt_is_causal: boolean | null; memory_is_causal: boolean;
}>('forward(Tensor src, Tensor tgt, Tensor? src_mask=None, Tensor? tgt_mask=None, Tensor? memory_mask=None, Tensor? src_key_padding_mask=None, Tensor? tgt_key_padding_mask=None, Tensor? memory_key_padding_mask=None, bool? src_is_causal=None, bool? tgt_is_causal=None, bool memory_is_causal=False)');

/** Keyword options of `nn.Transformer`. */
export interface TransformerOptions {
  /** Features of the inputs. Default 512. */
  d_model?: number;
  /** Attention heads. Default 8. */
  nhead?: number;
  /** Encoder layers. Default 6. */
  num_encoder_layers?: number;
  /** Decoder layers. Default 6. */
  num_decoder_layers?: number;
  /** Width of the feed-forward block. Default 2048. */
  dim_feedforward?: number;
  /** Dropout probability. Default 0.1. */
  dropout?: number;
  /** The feed-forward activation: 'relu' (default), 'gelu', a function or a module. */
  activation?: Activation;
  /** An encoder to use instead of the default stack. */
  custom_encoder?: Module | null;
  /** A decoder to use instead of the default stack. */
  custom_decoder?: Module | null;
  /** eps of the layer norms. Default 1e-5. */
  layer_norm_eps?: number;
  /** Inputs and output as `[batch, seq, feature]`. Default false. */
  batch_first?: boolean;
  /** Layer norm before attention and feed-forward (pre-LN) instead of after. Default false. */
  norm_first?: boolean;
  /** Whether linear layers and layer norms have biases. Default true. */
  bias?: boolean;
  /** Parameter dtype; default the global default dtype. */
  dtype?: FloatDType | null;
}

/** Keyword options of a Transformer call after `src, tgt`. */
export interface TransformerCallOptions extends DecoderCallOptions {
  /** Mask of the encoder self-attention `[S, S]`. */
  src_mask?: Tensor | null;
  /** `[N, S]`: true marks padded source positions. */
  src_key_padding_mask?: Tensor | null;
  /** A hint that `src_mask` is the causal mask (null: detected). */
  src_is_causal?: boolean | null;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need": an encoder and a decoder stack, each with a
 * final LayerNorm; every weight matrix xavier-uniform.
 *
 * @example
 * const model = new nn.Transformer({ d_model: 32, nhead: 4, batch_first: true });
 * model.call(src, tgt, nn.kwargs({ tgt_mask: nn.Transformer.generate_square_subsequent_mask(tgt.size(1)) }));
 */
export class Transformer extends Module {
  static override readonly __name__ = 'Transformer';
  /** The encoder (a `TransformerEncoder`, or `custom_encoder`). */
  declare encoder: Module;
  /** The decoder (a `TransformerDecoder`, or `custom_decoder`). */
  declare decoder: Module;
  /** Features of the inputs. */
  readonly d_model: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Whether inputs and output are `[batch, seq, feature]`. */
  readonly batch_first: boolean;

  constructor(...args: PyArgs<[d_model: number, nhead: number, num_encoder_layers: number, num_decoder_layers: number, dim_feedforward: number, dropout: number, activation: Activation], TransformerOptions>) {
    super();
    const a = TRANSFORMER.parse(args);
    const layer_options = {
      dim_feedforward: a.dim_feedforward, dropout: a.dropout, activation: a.activation, layer_norm_eps: a.layer_norm_eps,
      batch_first: a.batch_first, norm_first: a.norm_first, bias: a.bias, dtype: a.dtype,
    };
    const norm = (): LayerNorm => new LayerNorm(a.d_model, { eps: a.layer_norm_eps, bias: a.bias, dtype: a.dtype });
    this.encoder = a.custom_encoder ?? new TransformerEncoder(new TransformerEncoderLayer(a.d_model, a.nhead, layer_options), a.num_encoder_layers, { norm: norm() });
    this.decoder = a.custom_decoder ?? new TransformerDecoder(new TransformerDecoderLayer(a.d_model, a.nhead, layer_options), a.num_decoder_layers, { norm: norm() });
    this.d_model = a.d_model;
    this.nhead = a.nhead;
    this.batch_first = a.batch_first;
    for (const p of this.parameters()) if (p.ndim > 1) xavier_uniform_(p);
  }

  /** `[sz, sz]` with -inf above the diagonal (the causal target mask). */
  static generate_square_subsequent_mask(sz: number, options: { dtype?: FloatDType } = {}): Tensor {
    return generate_square_subsequent_mask(sz, options);
  }

  override forward(...args: PyArgs<[src: Tensor, tgt: Tensor], TransformerCallOptions & { src?: Tensor; tgt?: Tensor }>): Tensor {
    const a = TRANSFORMER_FORWARD.parse(args);
    const batched = a.src.ndim === 3;
    const batch_dim = this.batch_first ? 0 : 1;
    if (batched && a.src._shape[batch_dim] !== a.tgt._shape[batch_dim]) throw new Error('the batch number of src and tgt must be equal');
    if (a.src._shape[a.src.ndim - 1] !== this.d_model || a.tgt._shape[a.tgt.ndim - 1] !== this.d_model) throw new Error('the feature number of src and tgt must be equal to d_model');
    const memory = this.encoder.call(a.src, kwargs({ mask: a.src_mask, src_key_padding_mask: a.src_key_padding_mask, is_causal: a.src_is_causal })) as Tensor;
    return this.decoder.call(a.tgt, memory, kwargs({
      tgt_mask: a.tgt_mask, memory_mask: a.memory_mask, tgt_key_padding_mask: a.tgt_key_padding_mask,
      memory_key_padding_mask: a.memory_key_padding_mask, tgt_is_causal: a.tgt_is_causal, memory_is_causal: a.memory_is_causal,
    })) as Tensor;
  }
}
