// `torch.utils`: checkpoint (activation recomputation).
export * as checkpoint from './checkpoint.js';
