// A typed broadcast channel for observers (training progress, module-call recorders) built on eventemitter3.
import { EventEmitter } from 'eventemitter3';

/**
 * Typed wrapper around eventemitter3 for one-to-many notifications. Hooks themselves never go through a
 * bus: their order, `prepend` and return values need `HookDict`.
 *
 * @example
 * const bus = new EventBus<{ step: [loss: number] }>();
 * bus.on('step', (loss) => console.log(loss));
 * bus.emit('step', 0.5);
 */
export class EventBus<Events extends Record<string, unknown[]>> {
  private readonly emitter = new EventEmitter();

  /** Calls `listener` on every `event` from now on; returns a function that unsubscribes it. */
  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): () => void {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return () => this.off(event, listener);
  }

  /** Calls `listener` on the next `event` only. */
  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): void {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
  }

  /** Stops calling `listener` on `event`. */
  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): void {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
  }

  /** Calls every listener of `event` with `args`, in subscription order; false when there was none. */
  emit<K extends keyof Events & string>(event: K, ...args: Events[K]): boolean {
    return this.emitter.emit(event, ...args);
  }

  /** How many listeners `event` has. */
  listener_count<K extends keyof Events & string>(event: K): number {
    return this.emitter.listenerCount(event);
  }
}
