// A worker thread the main thread talks to synchronously: it posts a request and blocks (Atomics.wait) until the
// worker writes a one-line JSON reply into shared memory, so timing loops in the main thread stay free of
// event-loop work while a peer (PyTorch's companion process, onnxruntime) runs its own rounds in the worker.
import { Worker } from 'node:worker_threads';

/** The main thread's end: a worker started on `script` with `workerData = { shared, ...data }`. */
export class SyncWorker {
  private readonly worker: Worker;
  private readonly state: Int32Array;
  private readonly bytes: Uint8Array;

  /** `reply_bytes` bounds one reply's JSON. */
  constructor(script: URL, data: Record<string, unknown>, reply_bytes = 1 << 16) {
    const shared = new SharedArrayBuffer(8 + reply_bytes);
    this.state = new Int32Array(shared, 0, 2);
    this.bytes = new Uint8Array(shared, 8);
    this.worker = new Worker(script, { workerData: { ...data, shared } });
  }

  /**
   * Posts `message` (structured-cloned: typed arrays pass as they are) and waits for the reply; a reply with an
   * `error` string throws, prefixed by `who`.
   */
  request(who: string, message: Record<string, unknown>, timeout_ms: number): Record<string, unknown> {
    Atomics.store(this.state, 0, 0);
    this.worker.postMessage(message);
    if (Atomics.wait(this.state, 0, 0, timeout_ms) === 'timed-out') throw new Error(`${who} did not answer ${JSON.stringify(message, (_, v: unknown) => (ArrayBuffer.isView(v) ? `<${v.byteLength} bytes>` : v))} within ${timeout_ms / 1000} s`);
    const reply = JSON.parse(new TextDecoder().decode(this.bytes.slice(0, Atomics.load(this.state, 1)))) as Record<string, unknown>;
    if (typeof reply['error'] === 'string') throw new Error(`${who}: ${reply['error']}`);
    return reply;
  }

  /** Tells the worker to finish (`'close'`) and terminates it. */
  close(): void {
    this.worker.postMessage('close');
    void this.worker.terminate();
  }
}

/** The worker's end: hands one JSON line to the waiting main thread (length, bytes, then the ready flag). */
export function replier(shared: SharedArrayBuffer): (line: string) => void {
  const state = new Int32Array(shared, 0, 2);
  const bytes = new Uint8Array(shared, 8);
  return (line) => {
    if (new TextEncoder().encode(line).length > bytes.length) line = JSON.stringify({ error: `reply of ${line.length} characters exceeds the ${bytes.length}-byte buffer` });
    const n = new TextEncoder().encodeInto(line, bytes).written;
    Atomics.store(state, 1, n);
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
  };
}
