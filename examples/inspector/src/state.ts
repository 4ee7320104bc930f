// What the page exposes on window.tsgrad_inspector, for scripts and the end-to-end test to read.

/** A plain-data snapshot of the page after its latest analysis. */
export interface InspectorState {
  /** Bumped on every change of the input or of what to explain. */
  input_version: number;
  /** `input_version` as of the latest finished analysis; equal when the page shows the current input. */
  analyzed_version: number;
  /** Name of the loaded weights ('' until some load). */
  weights: string;
  /** The message shown on the page, or null. */
  error: string | null;
  /** The model's 28×28 input in [0, 1]. */
  input: number[];
  probabilities: number[];
  predicted: number;
  explained: number;
  /** 28×28 maps of the latest analysis. */
  saliency: number[];
  guided: number[];
  grad_cam: number[];
  /** One forward + Grad-CAM, in ms, for every analysis so far (the first one runs on cold JIT). */
  grad_cam_ms: number[];
  /** All three attributions of the latest analysis, in ms. */
  total_ms: number;
  /** The picker's method, its 28×28 map of the latest analysis and its milliseconds. */
  method: string;
  method_map: number[];
  method_ms: number;
  /** Hooks on the page's two nets after the latest analysis (the page's own forward hooks only: 6). */
  hooks: number;
  /** The live training's state, and the scalars its EventBus delivered so far, by tag: [step, value] pairs. */
  training: 'idle' | 'running' | 'done';
  scalars: Record<string, [number, number][]>;
  /** Points of the Loss/train curve on screen at each animation frame while training ran. */
  train_frames: number[];
}

declare global {
  interface Window {
    tsgrad_inspector?: InspectorState;
    /** The page's tsgrad modules, to experiment with from the console (and for the end-to-end test). */
    tsgrad?: { torch: typeof import('@tsgrad/core'); nn: typeof import('@tsgrad/nn') };
  }
}
