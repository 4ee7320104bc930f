// vision.interpret: seeing inside a network with tsgrad's public hooks and autograd (spec §13).
export { FeatureExtractor, capture, resolve_layer, type LayerRef, type FeatureExtractorOptions } from './feature_extractor.js';
export { select_output, target_scores, class_indices, type Target, type ScoreFunction, type OutputSelector, type OutputOptions } from './targets.js';
export { normalize_map, upsample_maps } from './maps.js';
export {
  input_gradient, saliency, smoothgrad, integrated_gradients, quadrature,
  type InputGradient, type ChannelReduction, type SaliencyOptions, type SaliencyResult, type SmoothGradOptions, type SmoothGradResult,
  type IntegrationMethod, type IntegratedGradientsOptions, type IntegratedGradientsResult,
} from './gradients.js';
export { guided_backprop, deconvnet, type ReluBackpropOptions, type GradientAttribution } from './relu_backprop.js';
export {
  grad_cam, grad_cam_pp, guided_grad_cam, cam,
  type CamMaps, type GradCamOptions, type GradCamResult, type GuidedGradCamResult, type CamOptions, type CamResult,
} from './cam.js';
export { occlusion, type OcclusionOptions, type OcclusionResult } from './occlusion.js';
export { class_visualization, type ClassVisualizationOptions, type ClassVisualizationResult, type AscentStep } from './class_visualization.js';
export { receptive_field, receptive_box, type ReceptiveField, type ReceptiveFieldStep, type Box } from './receptive_field.js';
export { max_activating_patches, type ActivatingPatch, type MaxActivatingPatchesOptions } from './patches.js';
export { nearest_neighbours, layer_features, type NearestNeighboursOptions, type Neighbours } from './neighbours.js';
export { tsne, type TsneOptions, type TsneResult } from './tsne.js';
export { run_with_cache, run_with_hooks, capture_attention, attention_rollout, type CaptureAttentionOptions, type CallInput, type RunWithCacheOptions, type ActivationHook, type RolloutOptions } from './patching.js';
