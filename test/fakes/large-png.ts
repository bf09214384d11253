import { crc32 } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([header.subarray(4), data])), 0);
  return Buffer.concat([header, data, crc]);
}

/**
 * A PNG of exactly `bytes` bytes that passes the gateway's sniff: a real signature, an intact
 * IHDR (1024×1024, 8-bit RGB) and IEND, with the size made up by one IDAT of filler. Not
 * decodable, which nothing on the upload path needs; cheap to build at any size.
 */
export function largePng(bytes: number): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1024, 0);
  ihdr.writeUInt32BE(1024, 4);
  ihdr.writeUInt8(8, 8);
  ihdr.writeUInt8(2, 9);
  const head = Buffer.concat([signature, chunk('IHDR', ihdr)]);
  const end = chunk('IEND', Buffer.alloc(0));
  const fillerBytes = bytes - head.length - end.length - 12;
  if (fillerBytes < 0) throw new Error(`a PNG needs at least ${bytes - fillerBytes} bytes`);
  const filler = Buffer.alloc(fillerBytes);
  for (let index = 0; index < fillerBytes; index += 4096) filler[index] = index % 251;
  return Buffer.concat([head, chunk('IDAT', filler), end]);
}
