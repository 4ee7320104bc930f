// TFRecord framing of TensorBoard event files: length, masked CRC32C of the length, data, masked CRC32C of the data.
import CRC32C from 'crc-32/crc32c.js';

/**
 * TFRecord's masked CRC32C: the CRC rotated right by 15 bits plus 0xa282ead8, so CRCs of CRCs stay distinct.
 *
 * @example
 * const crc = nn.masked_crc32c(new TextEncoder().encode('abc')); // an unsigned 32-bit integer
 */
export function masked_crc32c(bytes: Uint8Array): number {
  const crc = CRC32C.buf(bytes) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/**
 * Frames `data` as one TFRecord: uint64 length (little-endian), masked CRC32C of those 8 bytes, the data, masked
 * CRC32C of the data.
 *
 * @example
 * fs.appendFileSync(path, encode_record(event_bytes));
 */
export function encode_record(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, masked_crc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, masked_crc32c(data), true);
  return out;
}

/**
 * Splits a TFRecord stream into its records, checking both CRCs of each; a truncated or corrupted record throws
 * an error naming its offset.
 *
 * @example
 * for (const data of read_records(fs.readFileSync(path))) console.log(data.length);
 */
export function read_records(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new Error(`truncated record header at offset ${at}`);
    const length = view.getBigUint64(at, true);
    if (view.getUint32(at + 8, true) !== masked_crc32c(bytes.subarray(at, at + 8))) {
      throw new Error(`length CRC mismatch in the record at offset ${at}`);
    }
    const end = at + 12 + Number(length);
    if (length > BigInt(bytes.length) || end + 4 > bytes.length) throw new Error(`truncated record at offset ${at}: length ${length}`);
    const data = bytes.subarray(at + 12, end);
    if (view.getUint32(end, true) !== masked_crc32c(data)) throw new Error(`data CRC mismatch in the record at offset ${at}`);
    records.push(data);
    at = end + 4;
  }
  return records;
}
