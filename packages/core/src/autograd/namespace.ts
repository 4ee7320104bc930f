// The `torch.autograd` namespace: backward, grad, Function, gradcheck and graph types.
export { autograd_backward as backward, autograd_grad as grad, type BackwardOptions, type GradOptions } from './functional.js';
export { Function, FunctionCtx, once_differentiable } from './function.js';
export * as function from './function_namespace.js';
export { gradcheck, gradgradcheck, GradcheckError, type GradcheckOptions, type GradgradcheckOptions } from './gradcheck.js';
export { Node, AccumulateGrad } from './node.js';
export { no_grad, enable_grad, set_grad_enabled, inference_mode, type GradModeGuard } from './grad_mode.js';
export { detect_anomaly, set_detect_anomaly } from './anomaly_mode.js';
export * as graph from './graph.js';
export * as functional from './jacobian_products.js';
