import t from 'tap';
import fc from 'fast-check';
import {
  decodeCreate,
  decodeDirectoryEntries,
  decodeOutputBuffer,
  decodeRead,
  decodeWrite,
  encodeCreate,
  encodeQueryDirectory,
  dateOfFileTime,
  renameInformation,
} from '../src/wire/commands.js';
import { Command, decodeResponseHeader, encodeRequest, HEADER_SIZE, PacketSplitter } from '../src/wire/packet.js';
import { NT_STATUS, ntStatusName } from '../src/wire/nt-status.js';

const ids = { sessionId: Buffer.alloc(8, 1), treeId: Buffer.alloc(4, 2), processId: Buffer.alloc(4, 3) };

/** A response packet (without transport header) with the given status, flags and body. */
function response(messageId: number, status: number, flags: number, body: Buffer): Buffer {
  const packet = Buffer.alloc(HEADER_SIZE + body.length);
  packet.writeUInt32BE(0xfe534d42, 0);
  packet.writeUInt16LE(HEADER_SIZE, 4);
  packet.writeUInt32LE(status, 8);
  packet.writeUInt16LE(Command.READ, 12);
  packet.writeUInt16LE(7, 14);
  packet.writeUInt32LE(flags, 16);
  packet.writeUInt32LE(messageId, 24);
  body.copy(packet, HEADER_SIZE);
  return packet;
}

function framed(packet: Buffer): Buffer {
  const frame = Buffer.alloc(4 + packet.length);
  frame.writeUInt32BE(packet.length, 0);
  packet.copy(frame, 4);
  return frame;
}

t.test('the packet splitter yields whole packets however the stream is cut', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }),
      (bodies, cuts) => {
        const packets = bodies.map((body, i) => response(i, 0, 1, Buffer.from(body)));
        const stream = Buffer.concat(packets.map(framed));
        const splitter = new PacketSplitter();
        const out: Buffer[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          out.push(...splitter.push(stream.subarray(at, at + size)));
          at += size;
        }
        return out.length === packets.length && out.every((packet, i) => packet.equals(packets[i]!));
      },
    ),
  );
  t.pass();
});

t.test('response headers: status, credits, message id, and interim answers', async (t) => {
  const final = decodeResponseHeader(response(42, NT_STATUS.NT_STATUS_END_OF_FILE, 1, Buffer.alloc(0)));
  t.same(final, { status: NT_STATUS.NT_STATUS_END_OF_FILE, command: Command.READ, creditsGranted: 7, flags: 1, messageId: 42, interim: false });
  t.equal(decodeResponseHeader(response(1, NT_STATUS.NT_STATUS_PENDING, 3, Buffer.alloc(0))).interim, true, 'async + pending is interim');
  t.equal(decodeResponseHeader(response(1, NT_STATUS.NT_STATUS_PENDING, 1, Buffer.alloc(0))).interim, false, 'pending without the async flag is not');
  t.throws(() => decodeResponseHeader(Buffer.alloc(10)), RangeError);
  t.throws(() => decodeResponseHeader(Buffer.alloc(HEADER_SIZE)), RangeError);
});

t.test('requests carry the transport length, the session ids and the message id', async (t) => {
  const body = Buffer.from([9, 9, 9]);
  const request = encodeRequest(Command.CLOSE, 0x1234, ids, body, 64);
  t.equal(request.readUInt32BE(0), HEADER_SIZE + 3);
  t.equal(request.readUInt32BE(4), 0xfe534d42);
  t.equal(request.readUInt16LE(4 + 12), Command.CLOSE);
  t.equal(request.readUInt16LE(4 + 14), 64);
  t.equal(request.readUInt32LE(4 + 24), 0x1234);
  t.same([...request.subarray(4 + 32, 4 + 48)], [3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
  t.same([...request.subarray(4 + HEADER_SIZE)], [9, 9, 9]);
});

t.test('CREATE: the name, the QFid context aligned to 8 bytes, and the response fields', async (t) => {
  const plain = encodeCreate({ path: '', access: 1, share: 7, disposition: 1, options: 0 });
  t.equal(plain.length, 57, 'an empty name still has its one byte');
  t.equal(plain.readUInt32LE(52), 0, 'no contexts');
  const withId = encodeCreate({ path: 'ab', access: 1, share: 7, disposition: 1, options: 0, queryDiskId: true });
  const offset = withId.readUInt32LE(48);
  t.equal(offset % 8, 0, 'contexts start 8-byte aligned');
  t.equal(withId.toString('latin1', offset - HEADER_SIZE + 16, offset - HEADER_SIZE + 20), 'QFid');
  t.equal(withId.toString('utf16le', 56, 60), 'ab');

  const body = Buffer.alloc(88 + 56);
  body.writeUInt16LE(89, 0);
  body.writeBigUInt64LE(1n, 8);
  body.writeBigUInt64LE(2n, 24);
  body.writeBigUInt64LE(3n, 32);
  body.writeBigUInt64LE(12345n, 48);
  body.writeUInt32LE(0x10, 56);
  body.fill(7, 64, 80);
  body.writeUInt32LE(HEADER_SIZE + 88, 80);
  body.writeUInt32LE(56, 84);
  const context = body.subarray(88);
  context.writeUInt16LE(16, 4);
  context.writeUInt16LE(4, 6);
  context.writeUInt16LE(24, 10);
  context.writeUInt32LE(32, 12);
  context.write('QFid', 16, 'latin1');
  context.fill(9, 24, 56);
  const decoded = decodeCreate(response(1, 0, 1, body));
  t.equal(decoded.size, 12345);
  t.equal(decoded.attributes, 0x10);
  t.same([decoded.creationTime, decoded.lastWriteTime, decoded.changeTime], [1n, 2n, 3n]);
  t.same([...decoded.fileId], Array(16).fill(7));
  t.same([...decoded.diskId!], Array(16).fill(9));
  body.writeUInt32LE(0, 84);
  t.equal(decodeCreate(response(1, 0, 1, body)).diskId, undefined, 'no context, no disk id');
});

t.test('READ, WRITE, QUERY and directory entries decode', async (t) => {
  const read = Buffer.alloc(16 + 3);
  read.writeUInt8(HEADER_SIZE + 16, 2);
  read.writeUInt32LE(3, 4);
  read.set([1, 2, 3], 16);
  t.same([...decodeRead(response(1, 0, 1, read))], [1, 2, 3]);
  const write = Buffer.alloc(16);
  write.writeUInt32LE(65_536, 4);
  t.equal(decodeWrite(response(1, 0, 1, write)), 65_536);

  const entry = (name: string, next: number): Buffer => {
    const bytes = Buffer.alloc(104 + name.length * 2);
    bytes.writeUInt32LE(next, 0);
    bytes.writeBigUInt64LE(5n, 24);
    bytes.writeBigUInt64LE(77n, 40);
    bytes.writeUInt32LE(0x20, 56);
    bytes.writeUInt32LE(name.length * 2, 60);
    bytes.writeBigUInt64LE(99n, 96);
    bytes.write(name, 104, 'utf16le');
    return bytes;
  };
  const first = entry('a.txt', 0);
  const firstPadded = Buffer.concat([first, Buffer.alloc(8 - (first.length % 8))]);
  firstPadded.writeUInt32LE(firstPadded.length, 0);
  const listing = Buffer.concat([firstPadded, entry('Ü', 0)]);
  const out = Buffer.alloc(8 + listing.length);
  out.writeUInt16LE(HEADER_SIZE + 8, 2);
  out.writeUInt32LE(listing.length, 4);
  listing.copy(out, 8);
  const entries = decodeDirectoryEntries(decodeOutputBuffer(response(1, 0, 1, out)));
  t.same(entries.map((e) => [e.name, e.size, e.attributes, e.lastWriteTime, e.fileIndex.readBigUInt64LE(0)]), [
    ['a.txt', 77, 0x20, 5n, 99n],
    ['Ü', 77, 0x20, 5n, 99n],
  ]);
  const query = encodeQueryDirectory(Buffer.alloc(16), true, 65_536);
  t.equal(query.readUInt8(3), 1, 'restart flag');
  t.equal(query.toString('utf16le', 32), '*');
});

t.test('rename information, file times and status names', async (t) => {
  const info = renameInformation('a\\b', true);
  t.equal(info.readUInt8(0), 1);
  t.equal(info.readUInt32LE(16), 6);
  t.equal(info.toString('utf16le', 20), 'a\\b');
  t.equal(dateOfFileTime(116_444_736_000_000_000n).getTime(), 0, 'the Unix epoch');
  t.equal(dateOfFileTime(116_444_736_000_000_000n + 10_000n).getTime(), 1);
  t.equal(ntStatusName(0xc000_0034), 'NT_STATUS_OBJECT_NAME_NOT_FOUND');
  t.equal(ntStatusName(0xc0de_0001), 'NT_STATUS_0xC0DE0001');
});
