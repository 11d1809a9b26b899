import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventStoreError } from '../errors';

/**
 * Per-subject data keys for crypto-shredding. A subject is whoever personal data belongs to (a guest).
 * Each subject gets its own random 256-bit data key, stored only wrapped (AES-256-GCM) under a master
 * key that never touches the database. Erasure destroys the subject's data key; every ciphertext made
 * with it becomes unreadable, wherever it was copied (events, NATS, backups of the event tables).
 */
export interface SubjectKeyStore {
  /** The subject's data key, created on first use. Throws `SubjectErasedError` once the subject is erased. */
  getOrCreateKey(subjectId: string, tenantId: string): Promise<Buffer>;
  /** The subject's data key; `undefined` when it never existed or was destroyed. */
  getKey(subjectId: string): Promise<Buffer | undefined>;
  /** Destroys the subject's data key for good and remembers that the subject is erased. */
  destroyKey(subjectId: string): Promise<void>;
  isErased(subjectId: string): Promise<boolean>;
  /**
   * Tells `listener` about keys destroyed from now on, by any process sharing the store (`null`: some
   * may have been missed, e.g. after a lost connection: forget every cached key). Lets caches keep keys
   * long and still stop using an erased subject's key at once. Optional: without it caches expire keys.
   */
  watchDestroyed?(listener: (subjectId: string | null) => void): KeyDestructionWatch;
}

/** A subscription to destroyed keys. */
export type KeyDestructionWatch = {
  /** True while destructions are being delivered (false while reconnecting: cached keys may be stale). */
  live(): boolean;
  close(): void;
};

export class SubjectErasedError extends EventStoreError {
  readonly code = 'SUBJECT_ERASED';
  constructor(readonly subjectId: string) {
    super(`Subject '${subjectId}' has been erased: no new personal data can be stored for it`);
  }
}

export class InvalidMasterKeyError extends EventStoreError {
  readonly code = 'INVALID_MASTER_KEY';
  constructor(reason: string) {
    super(`Invalid master key: ${reason}`);
  }
}

/**
 * The master key (key-encryption key): 32 bytes, given base64- or hex-encoded (e.g. from the
 * `ENCRYPTION_MASTER_KEY` secret). `id` names it so keys wrapped under an older master key stay readable
 * after rotation (pass the old ones in `previous`).
 */
export class MasterKey {
  private constructor(
    readonly id: string,
    private readonly key: Buffer,
    private readonly previous: ReadonlyMap<string, MasterKey>,
  ) {}

  static from(id: string, encoded: string, previous: MasterKey[] = []): MasterKey {
    const key = /^[0-9a-fA-F]{64}$/.test(encoded) ? Buffer.from(encoded, 'hex') : Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new InvalidMasterKeyError(`expected 32 bytes (base64 or hex), got ${key.length}`);
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(id)) throw new InvalidMasterKeyError('id must be 1-40 characters of A-Z a-z 0-9 _ . -');
    return new MasterKey(id, key, new Map(previous.map((k) => [k.id, k])));
  }

  /** A random master key, for tests and `npm run` helpers that print one. */
  static generate(id = 'test'): MasterKey {
    return new MasterKey(id, randomBytes(32), new Map());
  }

  wrap(dataKey: Buffer, subjectId: string): { kekId: string; wrapped: Buffer } {
    return { kekId: this.id, wrapped: seal(this.key, dataKey, subjectId) };
  }

  unwrap(kekId: string, wrapped: Buffer, subjectId: string): Buffer {
    if (kekId === this.id) return open(this.key, wrapped, subjectId);
    const older = this.previous.get(kekId);
    if (!older) throw new InvalidMasterKeyError(`no master key '${kekId}' to unwrap the key of '${subjectId}'`);
    return older.unwrap(kekId, wrapped, subjectId);
  }
}

/** AES-256-GCM: iv (12) | tag (16) | ciphertext, with `aad` bound in (a blob only opens for its subject). */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}

/** In-memory SubjectKeyStore for unit tests. */
export class MemorySubjectKeyStore implements SubjectKeyStore {
  private readonly keys = new Map<string, { kekId: string; wrapped: Buffer } | null>();
  private readonly watchers = new Set<(subjectId: string | null) => void>();

  constructor(private readonly masterKey: MasterKey = MasterKey.generate()) {}

  async getOrCreateKey(subjectId: string): Promise<Buffer> {
    const entry = this.keys.get(subjectId);
    if (entry === null) throw new SubjectErasedError(subjectId);
    if (entry) return this.masterKey.unwrap(entry.kekId, entry.wrapped, subjectId);
    const key = randomBytes(32);
    this.keys.set(subjectId, this.masterKey.wrap(key, subjectId));
    return key;
  }

  async getKey(subjectId: string): Promise<Buffer | undefined> {
    const entry = this.keys.get(subjectId);
    return entry ? this.masterKey.unwrap(entry.kekId, entry.wrapped, subjectId) : undefined;
  }

  async destroyKey(subjectId: string): Promise<void> {
    this.keys.set(subjectId, null);
    for (const watcher of this.watchers) watcher(subjectId);
  }

  watchDestroyed(listener: (subjectId: string | null) => void): KeyDestructionWatch {
    this.watchers.add(listener);
    return { live: () => this.watchers.has(listener), close: () => void this.watchers.delete(listener) };
  }

  async isErased(subjectId: string): Promise<boolean> {
    return this.keys.get(subjectId) === null;
  }
}
