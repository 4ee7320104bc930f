// nn.utils.stateless: the deprecated home of functional_call (PyTorch 2.x warns and forwards to torch.func's).
export { stateless_functional_call as functional_call } from './func.js';
