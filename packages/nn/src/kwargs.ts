// nn.kwargs: Python keyword arguments for `module.call(...)`.

/**
 * Marks the trailing argument of `module.call(...)` as keyword arguments (made by `nn.kwargs`).
 *
 * @example
 * m.call(x, new nn.Kwargs({ scale: 2 })); // same as nn.kwargs({ scale: 2 })
 */
export class Kwargs {
  /** @param values - The keyword arguments by name. */
  constructor(readonly values: Record<string, unknown>) {}
}

/**
 * Wraps keyword arguments: `m.call(x, 'flag', nn.kwargs({ scale: 2 }))` hands `{ scale: 2 }` to `forward`
 * as its last parameter; hooks never see it, except `with_kwargs` hooks as `kwargs`.
 *
 * @example
 * unpool.call(y, indices, nn.kwargs({ output_size: [5, 5] }));
 */
export function kwargs(values: Record<string, unknown>): Kwargs {
  return new Kwargs(values);
}
