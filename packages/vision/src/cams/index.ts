// vision.cams: pytorch-grad-cam's CAM classes, targets and image helpers, with its numbers.
export { BaseCAM, type CamOptions, type CamCall, type LayerRecord, type ReshapeTransform } from './base_cam.js';
export { GradCAM, GradCAMPlusPlus, XGradCAM, HiResCAM, GradCAMElementWise, LayerCAM, EigenCAM, EigenGradCAM } from './gradient_cams.js';
export { ScoreCAM, AblationCAM, type ScoreCamOptions, type AblationCamOptions } from './perturbation_cams.js';
export { FullGrad } from './fullgrad.js';
export {
  ClassifierOutputTarget, ClassifierOutputSoftmaxTarget, BinaryClassifierOutputTarget, RawScoresOutputTarget, SemanticSegmentationTarget, type CamTarget,
} from './targets.js';
export { scale_cam_image, cv2_resize_linear, get_2d_projection, show_cam_on_image, overlay_png, type ShowCamOptions } from './image.js';
