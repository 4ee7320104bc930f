// The `torch.onnx` namespace: export a traced model as an ONNX (opset 17) model.
export { export_onnx as export, type ExportOptions, type DynamicAxes } from './export.js';
