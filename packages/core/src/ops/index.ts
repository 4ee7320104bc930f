// All ops, as functions of @tsgrad/core (each also a Tensor method).
export * from './arithmetic.js';
export * from './unary.js';
export * from './activation.js';
export * from './distance.js';
export * from './losses.js';
export * from './reduce.js';
export * from './view.js';
export * from './indexing.js';
export * from './linalg.js';
export * from './nn_ops.js';
export * from './inplace.js';
export * from './creation.js';
export { autograd_backward, autograd_grad } from '../autograd/functional.js';
export type { DimArg, ReduceOptions, ClampOptions } from './types.js';
