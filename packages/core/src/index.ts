// Public entry of @tsgrad/core: Tensor, creation functions, ops, autograd, grad mode and the RNG.
export { Tensor, Storage, is_tensor, is_inference, type NestedArray, type ShapeArg } from './tensor.js';
export { type DType, type TypedArray, type FloatArray, get_default_dtype, set_default_dtype, promote_types, can_cast } from './dtype.js';
export { Generator, manual_seed, default_generator } from './random.js';
export { no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode, is_inference_mode_enabled, type GradModeGuard } from './autograd/grad_mode.js';
export { is_anomaly_enabled, is_anomaly_check_nan_enabled } from './autograd/anomaly_mode.js';
export { Node, AccumulateGrad, type Grad, type Edge, type TensorHook, type NodePreHook, type NodePostHook } from './autograd/node.js';
export { warn } from './autograd/messages.js';
export { kernels, register_backend, set_backend, list_backends, js_backend, wasm_backend, type Backend } from './kernels/backend.js';
export { set_num_threads, get_num_threads, kernel_threads_running } from './kernels/wasm/runtime.js';
export { format_tensor } from './print.js';
export { Size, object_address } from './size.js';
export { parse_to, type ToArgs, type ToOptions } from './to_args.js';
export { Device, device, check_device, is_device_like, cuda, backends, type DeviceLike, float32, float, float64, double, int64, long, bool } from './device.js';
export { signature, Signature, method_call, is_plain_object, py_type_name, class_name, type PyArgs, type ParseOptions } from './signature.js';
export * from './ops/index.js';
export * as autograd from './autograd/namespace.js';
export * as jit from './jit/namespace.js';
export * as onnx from './onnx/namespace.js';
