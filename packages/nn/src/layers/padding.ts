// Padding modules: ConstantPad1d/2d/3d, ZeroPad1d/2d/3d, ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d,
// CircularPad1d/2d/3d. The padding is stored as PyTorch stores it: a tuple of 2·n amounts, last dim first.
import * as torch from '@tsgrad/core';
import { signature, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { py_float, py_repr } from '../python_repr.js';

type Amounts = number | number[];

/** `padding` as a tuple of `2n` amounts (an int pads every side by it). */
function amounts(name: string, padding: Amounts, n: number): number[] {
  if (typeof padding === 'number') {
    if (!Number.isInteger(padding)) throw new TypeError(`${name}(): argument 'padding' must be int or tuple of ints, not float`);
    return new Array<number>(2 * n).fill(padding);
  }
  if (padding.length !== 2 * n || padding.some((p) => !Number.isInteger(p))) {
    throw new Error(`${name}: padding must be an int or a tuple of ${2 * n} ints, got ${py_repr(padding)}`);
  }
  return [...padding];
}

/** A padding module of rank `n` and `mode`; subclasses only name themselves. */
abstract class PadNd extends Module {
  /** The padding as PyTorch stores it: `2n` amounts, `[left, right]` of the last dim first, then the dim before it. */
  readonly padding: number[];
  /**
   * @param mode - How the new elements are filled: 'constant', 'reflect', 'replicate' or 'circular'.
   * @param value - The fill value of 'constant' padding.
   */
  constructor(name: string, padding: Amounts, n: number, protected readonly mode: 'constant' | 'reflect' | 'replicate' | 'circular', readonly value = 0) {
    super();
    this.padding = amounts(name, padding, n);
  }
  override forward(input: Tensor): Tensor {
    return this.mode === 'constant' ? torch.pad(input, this.padding, 'constant', this.value) : torch.pad(input, this.padding, this.mode);
  }
  /** The padding tuple, as PyTorch prints it. */
  override extra_repr(): string {
    return py_repr(this.padding);
  }
}

const CONSTANT = (name: string) => signature<{ padding: Amounts; value: number }>(`${name}(Any padding, float value)`);
const CONSTANT_SIGS = { 1: CONSTANT('ConstantPad1d'), 2: CONSTANT('ConstantPad2d'), 3: CONSTANT('ConstantPad3d') };

/** Pads with a constant: `padding=(…), value=v` in the repr. */
abstract class ConstantPadNd extends PadNd {
  constructor(name: string, n: 1 | 2 | 3, args: readonly unknown[]) {
    const a = CONSTANT_SIGS[n].parse(args);
    super(name, a.padding, n, 'constant', a.value);
  }
  /** `padding=(…), value=v`, as PyTorch prints it. */
  override extra_repr(): string {
    return `padding=${py_repr(this.padding)}, value=${py_float(this.value)}`;
  }
}

type ConstantArgs = [padding: Amounts, value: number] | [padding: Amounts, options: { value: number }] | [options: { padding: Amounts; value: number }];
/**
 * Pads the last dim with a constant: `padding` is one int for both sides or `[left, right]`.
 *
 * @example
 * new nn.ConstantPad1d(2, 3.5)
 */
export class ConstantPad1d extends ConstantPadNd {
  static override readonly __name__: string = 'ConstantPad1d';
  constructor(...args: ConstantArgs) {
    super('ConstantPad1d', 1, args);
  }
}
/**
 * Pads the last two dims with a constant: `padding` is one int or `[left, right, top, bottom]`.
 *
 * @example
 * new nn.ConstantPad2d([1, 2, 0, 1], 0.5)
 */
export class ConstantPad2d extends ConstantPadNd {
  static override readonly __name__: string = 'ConstantPad2d';
  constructor(...args: ConstantArgs) {
    super('ConstantPad2d', 2, args);
  }
}
/**
 * Pads the last three dims with a constant: `padding` is one int or `[left, right, top, bottom, front, back]`.
 *
 * @example
 * new nn.ConstantPad3d(1, 2)
 */
export class ConstantPad3d extends ConstantPadNd {
  static override readonly __name__: string = 'ConstantPad3d';
  constructor(...args: ConstantArgs) {
    super('ConstantPad3d', 3, args);
  }
}

const PADDING_ONLY = (name: string) => signature<{ padding: Amounts }>(`${name}(Any padding)`);

type PaddingArgs = [padding: Amounts] | [options: { padding: Amounts }];
const PADDING_SIGS = new Map<string, ReturnType<typeof PADDING_ONLY>>();

/** The zero / reflection / replication / circular paddings: the padding is their one argument. */
abstract class ModePadNd extends PadNd {
  constructor(name: string, n: 1 | 2 | 3, mode: 'constant' | 'reflect' | 'replicate' | 'circular', args: PaddingArgs) {
    let sig = PADDING_SIGS.get(name);
    if (sig === undefined) PADDING_SIGS.set(name, (sig = PADDING_ONLY(name)));
    super(name, sig.parse(args).padding, n, mode);
  }
}

/**
 * Pads with zeros, on the last dim: `padding` is one int for both sides or `[left, right]`.
 *
 * @example
 * const pad = new nn.ZeroPad1d(2);
 * pad.call(torch.ones([1, 1, 2, 2]));
 */
export class ZeroPad1d extends ModePadNd {
  static override readonly __name__: string = 'ZeroPad1d';
  constructor(...args: PaddingArgs) {
    super('ZeroPad1d', 1, 'constant', args);
  }
}

/**
 * Pads with zeros, on the last two dims: `padding` is one int or `[left, right, top, bottom]`.
 *
 * @example
 * const pad = new nn.ZeroPad2d([1, 1, 2, 0]);
 * pad.call(torch.ones([1, 1, 2, 2]));
 */
export class ZeroPad2d extends ModePadNd {
  static override readonly __name__: string = 'ZeroPad2d';
  constructor(...args: PaddingArgs) {
    super('ZeroPad2d', 2, 'constant', args);
  }
}

/**
 * Pads with zeros, on the last three dims: `padding` is one int or `[left, right, top, bottom, front, back]`.
 *
 * @example
 * const pad = new nn.ZeroPad3d(1);
 * pad.call(torch.ones([1, 1, 2, 2]));
 */
export class ZeroPad3d extends ModePadNd {
  static override readonly __name__: string = 'ZeroPad3d';
  constructor(...args: PaddingArgs) {
    super('ZeroPad3d', 3, 'constant', args);
  }
}

/**
 * Pads with the reflection of the input at its border (the border element itself is not repeated), on the last dim: `padding` is one int for both sides or `[left, right]`.
 *
 * @example
 * new nn.ReflectionPad1d(2).call(x);
 */
export class ReflectionPad1d extends ModePadNd {
  static override readonly __name__: string = 'ReflectionPad1d';
  constructor(...args: PaddingArgs) {
    super('ReflectionPad1d', 1, 'reflect', args);
  }
}

/**
 * Pads with the reflection of the input at its border (the border element itself is not repeated), on the last two dims: `padding` is one int or `[left, right, top, bottom]`.
 *
 * @example
 * new nn.ReflectionPad2d([1, 1, 2, 0]).call(x);
 */
export class ReflectionPad2d extends ModePadNd {
  static override readonly __name__: string = 'ReflectionPad2d';
  constructor(...args: PaddingArgs) {
    super('ReflectionPad2d', 2, 'reflect', args);
  }
}

/**
 * Pads with the reflection of the input at its border (the border element itself is not repeated), on the last three dims: `padding` is one int or `[left, right, top, bottom, front, back]`.
 *
 * @example
 * new nn.ReflectionPad3d(1).call(x);
 */
export class ReflectionPad3d extends ModePadNd {
  static override readonly __name__: string = 'ReflectionPad3d';
  constructor(...args: PaddingArgs) {
    super('ReflectionPad3d', 3, 'reflect', args);
  }
}

/**
 * Pads by repeating the border element, on the last dim: `padding` is one int for both sides or `[left, right]`.
 *
 * @example
 * new nn.ReplicationPad1d(2).call(x);
 */
export class ReplicationPad1d extends ModePadNd {
  static override readonly __name__: string = 'ReplicationPad1d';
  constructor(...args: PaddingArgs) {
    super('ReplicationPad1d', 1, 'replicate', args);
  }
}

/**
 * Pads by repeating the border element, on the last two dims: `padding` is one int or `[left, right, top, bottom]`.
 *
 * @example
 * new nn.ReplicationPad2d([1, 1, 2, 0]).call(x);
 */
export class ReplicationPad2d extends ModePadNd {
  static override readonly __name__: string = 'ReplicationPad2d';
  constructor(...args: PaddingArgs) {
    super('ReplicationPad2d', 2, 'replicate', args);
  }
}

/**
 * Pads by repeating the border element, on the last three dims: `padding` is one int or `[left, right, top, bottom, front, back]`.
 *
 * @example
 * new nn.ReplicationPad3d(1).call(x);
 */
export class ReplicationPad3d extends ModePadNd {
  static override readonly __name__: string = 'ReplicationPad3d';
  constructor(...args: PaddingArgs) {
    super('ReplicationPad3d', 3, 'replicate', args);
  }
}

/**
 * Pads by wrapping around (the other end of the input fills the padding), on the last dim: `padding` is one int for both sides or `[left, right]`.
 *
 * @example
 * new nn.CircularPad1d(2).call(x);
 */
export class CircularPad1d extends ModePadNd {
  static override readonly __name__: string = 'CircularPad1d';
  constructor(...args: PaddingArgs) {
    super('CircularPad1d', 1, 'circular', args);
  }
}

/**
 * Pads by wrapping around (the other end of the input fills the padding), on the last two dims: `padding` is one int or `[left, right, top, bottom]`.
 *
 * @example
 * new nn.CircularPad2d([1, 1, 2, 0]).call(x);
 */
export class CircularPad2d extends ModePadNd {
  static override readonly __name__: string = 'CircularPad2d';
  constructor(...args: PaddingArgs) {
    super('CircularPad2d', 2, 'circular', args);
  }
}

/**
 * Pads by wrapping around (the other end of the input fills the padding), on the last three dims: `padding` is one int or `[left, right, top, bottom, front, back]`.
 *
 * @example
 * new nn.CircularPad3d(1).call(x);
 */
export class CircularPad3d extends ModePadNd {
  static override readonly __name__: string = 'CircularPad3d';
  constructor(...args: PaddingArgs) {
    super('CircularPad3d', 3, 'circular', args);
  }
}
