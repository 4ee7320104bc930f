// `torch.serialization`: the classes torch.load may rebuild (safe globals), beside torch.save / torch.load.
export { add_safe_globals, get_safe_globals, clear_safe_globals, register_class, type SaveableClass } from './classes.js';
