/**
 * SMB2 packet framing ([MS-SMB2] §2.1, §2.2.1): the 4-byte Direct TCP transport header and the
 * 64-byte SMB2 header.
 *
 * @packageDocumentation
 */

/** SMB2 command codes ([MS-SMB2] §2.2.1.2). */
export const Command = Object.freeze({
  CREATE: 0x05,
  CLOSE: 0x06,
  FLUSH: 0x07,
  READ: 0x08,
  WRITE: 0x09,
  QUERY_DIRECTORY: 0x0e,
  QUERY_INFO: 0x10,
  SET_INFO: 0x11,
});

/** The size of the SMB2 header; body offsets in packets count from the header's first byte. */
export const HEADER_SIZE = 64;

const FLAG_ASYNC = 0x0000_0002;

/** The session identifiers a request carries. */
export interface SessionIds {
  /** 8 bytes, from the session setup response. */
  readonly sessionId: Buffer;
  /** 4 bytes, from the tree connect response. */
  readonly treeId: Buffer;
  /** 4 bytes, chosen by the client. */
  readonly processId: Buffer;
}

/** The fields of a response header the client uses. */
export interface ResponseHeader {
  readonly status: number;
  readonly command: number;
  readonly creditsGranted: number;
  readonly flags: number;
  /** The low 32 bits of the message id (the client never issues more per connection). */
  readonly messageId: number;
  /** Whether this is an interim `STATUS_PENDING` answer to be followed by the final one. */
  readonly interim: boolean;
}

/**
 * Encodes one request: the transport header, the SMB2 header (CreditCharge 0, as a client
 * without multi-credit support sends; `creditRequest` credits asked for, so the server keeps
 * granting a window), and `body`.
 */
export function encodeRequest(
  command: number,
  messageId: number,
  ids: SessionIds,
  body: Buffer,
  creditRequest: number,
): Buffer {
  const packet = Buffer.alloc(4 + HEADER_SIZE + body.length);
  packet.writeUInt32BE(HEADER_SIZE + body.length, 0);
  const h = 4;
  packet.writeUInt32BE(0xfe534d42, h); // "\xFESMB"
  packet.writeUInt16LE(HEADER_SIZE, h + 4);
  packet.writeUInt16LE(0, h + 6); // CreditCharge
  packet.writeUInt32LE(0, h + 8); // ChannelSequence / Reserved
  packet.writeUInt16LE(command, h + 12);
  packet.writeUInt16LE(creditRequest, h + 14);
  packet.writeUInt32LE(0, h + 16); // Flags
  packet.writeUInt32LE(0, h + 20); // NextCommand
  packet.writeUInt32LE(messageId >>> 0, h + 24);
  packet.writeUInt32LE(0, h + 28);
  ids.processId.copy(packet, h + 32, 0, 4);
  ids.treeId.copy(packet, h + 36, 0, 4);
  ids.sessionId.copy(packet, h + 40, 0, 8);
  body.copy(packet, h + HEADER_SIZE);
  return packet;
}

/** Decodes the header of a response packet (without its transport header). */
export function decodeResponseHeader(packet: Buffer): ResponseHeader {
  if (packet.length < HEADER_SIZE || packet.readUInt32BE(0) !== 0xfe534d42) {
    throw new RangeError('not an SMB2 packet');
  }
  const status = packet.readUInt32LE(8);
  const flags = packet.readUInt32LE(16);
  return {
    status,
    command: packet.readUInt16LE(12),
    creditsGranted: packet.readUInt16LE(14),
    flags,
    messageId: packet.readUInt32LE(24),
    interim: (flags & FLAG_ASYNC) !== 0 && status === 0x0000_0103,
  };
}

/**
 * Splits a TCP byte stream into SMB2 packets (transport headers removed). Chunks are kept in a
 * list and joined once a whole packet is there, so large responses cost one copy.
 */
export class PacketSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds received bytes; returns the packets completed by them, in order. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const packets: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.join();
      const length = head.readUInt32BE(0) & 0x00ff_ffff;
      if (this.buffered < 4 + length) break;
      const all = this.join();
      packets.push(all.subarray(4, 4 + length));
      const rest = all.subarray(4 + length);
      this.chunks = rest.length === 0 ? [] : [rest];
      this.buffered = rest.length;
    }
    return packets;
  }

  private join(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }
}
