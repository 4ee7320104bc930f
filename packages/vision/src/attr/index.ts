// vision.attr: Captum's attribution classes with Captum's names, arguments and numbers.
export * from './common.js';
export { approximation_parameters, SUPPORTED_METHODS, type ApproximationMethod } from './approximation.js';
export { Attribution, GradientAttribution, type AttrOut, type WithDelta, type TargetOptions } from './base.js';
export { Saliency, InputXGradient, GuidedBackprop, Deconvolution, relu_rule_gradients, type SaliencyOptions } from './gradient.js';
export { IntegratedGradients, batch_attribution, integrate, type IntegratedGradientsOptions, type PathSteps, type GradientFunc, type IntegratePlan } from './integrated_gradients.js';
export { layer_eval, layers_eval, first_layer, split_like, LayerAttribution, LayerActivation, LayerGradientXActivation, LayerGradCam, GuidedGradCam, type LayerEval, type LayersEval, type LayerEvalOptions, type LayerSpec, type LayersSpec, type LayersOut, type LayerOptions, type LayerGradCamOptions, type GuidedGradCamOptions } from './layer.js';
export { ablate, FeatureAblation, Occlusion, type AblationPlan, type FeatureMasks, type FeatureAblationOptions, type OcclusionOptions } from './feature_ablation.js';
export { NoiseTunnel, generator_source, type RandomSource, type NoiseTunnelType, type NoiseTunnelOptions } from './noise_tunnel.js';
export { DeepLift, DeepLiftShap, type DeepLiftOptions } from './deep_lift.js';
export { GradientShap, InputBaselineXGradient, random_points, type GradientShapOptions, type InputBaselineXGradientOptions } from './gradient_shap.js';
export { LayerIntegratedGradients, LayerConductance, InternalInfluence, LayerInputBaselineXGradient, LayerGradientShap, LayerDeepLift, type LayerPathOptions, type LayerBaselineOptions, type LayerGradientShapOptions } from './layer_path.js';
export { NeuronGradient, NeuronIntegratedGradients, NeuronConductance, NeuronGuidedBackprop, NeuronDeconvolution, type NeuronConductanceOptions, neuron_gradient_func, type NeuronSelector, type NeuronSlice, type NeuronOptions, type NeuronIntegratedGradientsOptions } from './neuron.js';
export { ShapleyValueSampling, ShapleyValues, type ShapleyOptions } from './shapley.js';
export { FeaturePermutation, permute_feature, type PermFunc } from './feature_ablation.js';
export {
  Lime, KernelShap, SkLearnLasso, SkLearnLinearRegression, get_exp_kernel_similarity_function, default_perturb_func, kernel_shap_perturb,
  type InterpretableModel, type LimeContext, type LimeOptions, type LimeConstructorOptions, type PerturbFunc, type SimilarityFunc,
} from './lime.js';
export * as visualization from './visualization.js';
