import { ByteBuffer } from 'flatbuffers';

/**
 * A read-only view of one flatbuffer table, addressed by field slot (the field's position in its schema table,
 * counting a union as two slots: its type, then its value). Absent fields read as their schema default.
 */
export class FlatTable {
  constructor(
    readonly bb: ByteBuffer,
    /** Byte position of the table in the buffer. */
    readonly position: number,
  ) {}

  static root(bytes: Uint8Array): FlatTable {
    const bb = new ByteBuffer(bytes);
    return new FlatTable(bb, bb.readInt32(0) + 0);
  }

  /** Position of the field's value, or 0 when the table does not store it. */
  fieldPosition(slot: number): number {
    const offset = this.bb.__offset(this.position, 4 + 2 * slot);
    return offset === 0 ? 0 : this.position + offset;
  }

  has(slot: number): boolean {
    return this.fieldPosition(slot) !== 0;
  }

  int8(slot: number, fallback = 0): number {
    const at = this.fieldPosition(slot);
    return at ? this.bb.readInt8(at) : fallback;
  }

  uint8(slot: number, fallback = 0): number {
    const at = this.fieldPosition(slot);
    return at ? this.bb.readUint8(at) : fallback;
  }

  int32(slot: number, fallback = 0): number {
    const at = this.fieldPosition(slot);
    return at ? this.bb.readInt32(at) : fallback;
  }

  uint32(slot: number, fallback = 0): number {
    const at = this.fieldPosition(slot);
    return at ? this.bb.readUint32(at) : fallback;
  }

  string(slot: number): string | undefined {
    const at = this.fieldPosition(slot);
    return at ? (this.bb.__string(at - this.bb.position()) as string) : undefined;
  }

  /** Position of the object (table, vector or string) an offset field points to, or 0 when absent. */
  target(slot: number): number {
    const at = this.fieldPosition(slot);
    return at ? at + this.bb.readUint32(at) : 0;
  }

  table(slot: number): FlatTable | undefined {
    const at = this.target(slot);
    return at ? new FlatTable(this.bb, at) : undefined;
  }

  vectorLength(slot: number): number {
    const at = this.target(slot);
    return at ? this.bb.readUint32(at) : 0;
  }

  tables(slot: number): FlatTable[] {
    const at = this.target(slot);
    if (!at) return [];
    return Array.from({ length: this.bb.readUint32(at) }, (_, i) => {
      const element = at + 4 + 4 * i;
      return new FlatTable(this.bb, element + this.bb.readUint32(element));
    });
  }

  int32s(slot: number): number[] {
    const at = this.target(slot);
    if (!at) return [];
    return Array.from({ length: this.bb.readUint32(at) }, (_, i) => this.bb.readInt32(at + 4 + 4 * i));
  }

  bytes(slot: number): Uint8Array {
    const at = this.target(slot);
    if (!at) return new Uint8Array(0);
    return this.bb.bytes().subarray(at + 4, at + 4 + this.bb.readUint32(at));
  }
}
