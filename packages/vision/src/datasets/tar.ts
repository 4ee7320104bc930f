// Reads the regular files of a (ustar) tar archive, for datasets shipped as .tar.gz.

/** One regular file of an archive: its path inside the archive and its bytes. */
export interface TarEntry {
  /** Path inside the archive (`cifar-10-batches-py/data_batch_1`). */
  name: string;
  /** The file's bytes (a view into the archive). */
  data: Uint8Array;
}

const ascii = (b: Uint8Array): string => {
  const end = b.indexOf(0);
  return new TextDecoder('utf-8').decode(end < 0 ? b : b.subarray(0, end));
};

/**
 * The regular files of a tar archive (POSIX ustar and GNU headers), in archive order. Paths that would leave the
 * extraction folder (absolute, or with `..`) are an error.
 *
 * @example
 * for (const { name, data } of untar(gunzipSync(bytes))) writeFileSync(join(root, name), data);
 */
export function untar(archive: Uint8Array): TarEntry[] {
  const files: TarEntry[] = [];
  let long_name: string | null = null;
  for (let at = 0; at + 512 <= archive.length; ) {
    const header = archive.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(ascii(header.subarray(124, 136)).trim() || '0', 8);
    if (!Number.isFinite(size)) throw new Error(`tar: a bad size field at offset ${at}`);
    const type = String.fromCharCode(header[156]!);
    const prefix = ascii(header.subarray(0x101, 0x107)).startsWith('ustar') ? ascii(header.subarray(345, 500)) : '';
    const name = long_name ?? (prefix ? `${prefix}/` : '') + ascii(header.subarray(0, 100));
    const body = archive.subarray(at + 512, at + 512 + size);
    if (body.length < size) throw new Error(`tar: ${name} ends early (${body.length} of ${size} bytes)`);
    long_name = null;
    if (type === 'L') long_name = ascii(body);
    else if (type === '0' || type === '\0' || type === '7') {
      if (name.startsWith('/') || name.split('/').includes('..')) throw new Error(`tar: refusing to extract ${name} outside the target folder`);
      files.push({ name, data: body });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
