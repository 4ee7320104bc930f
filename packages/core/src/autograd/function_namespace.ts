// `torch.autograd.function`: the module PyTorch keeps Function, FunctionCtx and once_differentiable in.
export { Function, FunctionCtx, once_differentiable } from './function.js';
