// How a view was made (PyTorch's CreationMeta): decides whether in-place changes through it may be recorded.
export const CreationMeta = {
  DEFAULT: 'DEFAULT',
  IN_CUSTOM_FUNCTION: 'IN_CUSTOM_FUNCTION',
  MULTI_OUTPUT_NODE: 'MULTI_OUTPUT_NODE',
  NO_GRAD_MODE: 'NO_GRAD_MODE',
  INFERENCE_MODE: 'INFERENCE_MODE',
} as const;
export type CreationMeta = (typeof CreationMeta)[keyof typeof CreationMeta];
