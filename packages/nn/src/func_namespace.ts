// nn.func: PyTorch's torch.func for modules (functional_call).
export { functional_call, type FunctionalCallOptions } from './func.js';
