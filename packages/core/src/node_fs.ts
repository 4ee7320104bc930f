// node:fs reached at call time only and typed minimally, so that importing @tsgrad/core (or reading its .d.ts in a
// browser project without @types/node) touches no Node API.

/** The two calls tsgrad makes on node:fs. */
export interface FileApi {
  /** Reads a whole file. */
  readFileSync(path: string): Uint8Array;
  /** Writes a whole file. */
  writeFileSync(path: string, data: Uint8Array): void;
}

/** node:fs for `what`, or an error saying what to do instead (`elsewhere`) outside Node >= 20.16. */
export function node_fs(what: string, elsewhere: string): FileApi {
  const get_builtin = typeof process === 'undefined' ? undefined : (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get_builtin !== 'function') throw new Error(`${what} needs Node.js >= 20.16 (node:fs); ${elsewhere}`);
  return get_builtin('node:fs') as FileApi;
}
