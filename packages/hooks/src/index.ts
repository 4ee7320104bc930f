// Public entry of @tsgrad/hooks: handles, ordered hook maps and the event bus.
export { RemovableHandle, HookLedger, peek_next_handle_id, type IdKeyed, type LedgerKeyed } from './removable_handle.js';
export { HookDict, HookFlags } from './hook_dict.js';
export { EventBus } from './event_bus.js';
