import { hash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DiffStoreError } from './errors.js';

/** A person's (or event's) key hash and the fingerprint of what would be sent for it. */
export interface DiffEntry {
  readonly key: number;
  readonly fingerprint: number;
}

const MAGIC = 'CIOD1';

/**
 * What `--diff` remembers: for each person (or event), a fingerprint of the operation last delivered.
 *
 * An embedded store with no server: a `Map` from a 48-bit hash of the key to a 30-bit hash of the
 * operation, so both stay plain numbers (the fingerprint a V8 small integer). About 50 bytes an
 * entry in memory — ~50 MB for a million people — and 12 bytes an entry on disk. Collisions are
 * negligible at that size (a 48-bit key pair collides with probability ~0.2% per million people; a
 * changed row is mistaken for unchanged with probability 2^-30).
 *
 * The file (`<input>.diff.bin`) starts with a JSON header naming the target, so a store built against
 * one workspace is never used to skip rows for another.
 */
export class DiffStore {
  private constructor(
    private readonly entries: Map<number, number>,
    readonly target: string,
  ) {}

  /** Loads the store for `target`, or an empty one when there is none (or it is for another target). */
  static load(path: string, target: string): { store: DiffStore; note?: string } {
    let buffer: Buffer;
    try {
      buffer = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { store: new DiffStore(new Map(), target) };
      throw new DiffStoreError(`cannot read diff store ${path}: ${(error as Error).message}`);
    }
    const headerEnd = buffer.indexOf(0x0a);
    const header = JSON.parse(buffer.subarray(0, headerEnd).toString('utf8')) as { magic: string; target: string; entries: number };
    if (header.magic !== MAGIC) throw new DiffStoreError(`diff store ${path} is damaged; delete it to send every row again`);
    if (header.target !== target) return { store: new DiffStore(new Map(), target), note: `diff store is for ${header.target}; every row is sent to ${target}` };
    const entries = new Map<number, number>();
    let offset = headerEnd + 1;
    for (let i = 0; i < header.entries; i++, offset += 12) entries.set(buffer.readDoubleLE(offset), buffer.readUInt32LE(offset + 8));
    return { store: new DiffStore(entries, target) };
  }

  /** Hashes of a key and of the serialized operation. */
  static entryOf(key: string, content: string): DiffEntry {
    const keyDigest = hash('md5', key, 'buffer');
    const contentDigest = hash('md5', content, 'buffer');
    return { key: keyDigest.readUIntLE(0, 6), fingerprint: contentDigest.readUInt32LE(0) & 0x3fffffff };
  }

  /** Keys remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** True when exactly this was delivered for this key before. */
  unchanged(entry: DiffEntry): boolean {
    return this.entries.get(entry.key) === entry.fingerprint;
  }

  /** Remember a delivery. Call it only once Customer.io accepted the operation. */
  record(entry: DiffEntry): void {
    this.entries.set(entry.key, entry.fingerprint);
  }

  /** Writes the store atomically (temporary file + rename). */
  save(path: string): void {
    const head = Buffer.from(`${JSON.stringify({ magic: MAGIC, target: this.target, entries: this.entries.size })}\n`, 'utf8');
    const body = Buffer.allocUnsafe(this.entries.size * 12);
    let offset = 0;
    for (const [key, fingerprint] of this.entries) {
      body.writeDoubleLE(key, offset);
      body.writeUInt32LE(fingerprint, offset + 8);
      offset += 12;
    }
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, Buffer.concat([head, body]));
    renameSync(temporary, path);
  }
}
