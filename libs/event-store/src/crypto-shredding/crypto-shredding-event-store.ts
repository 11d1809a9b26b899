import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, SubscribeOptions } from '../types';
import { decryptValue, encryptValue, ERASED, mapEncrypted, mapPaths, missingSubject, parsePath, containsEncrypted, type EncryptedValue } from './personal-data';
import type { SubjectKeyStore } from './subject-keys';

/** Which fields of an event type are personal, and whose they are. */
export type PersonalDataRule = {
  /** Paths into `data` (see `parsePath`): `name`, `emails[*]`, `address.street`… */
  fields: readonly string[];
  /** The subject the personal data belongs to; default: `metadata.guestId`. */
  subject?: (event: NewEvent) => string | undefined;
};

export type CryptoShreddingOptions = {
  keys: SubjectKeyStore;
  /** Personal fields per event type. Types not listed are stored as they are. */
  personalData: Readonly<Record<string, PersonalDataRule>>;
  /** How many subject keys to keep decrypted in memory, and for how long (default 10,000 keys, 60 s). */
  keyCache?: { size?: number; ttlMs?: number };
};

/**
 * An EventStore that encrypts declared personal fields on append, each with its subject's data key,
 * and decrypts them on read. After `erase(subject)` the fields of that subject read back as `null`
 * (and the event's metadata gains `personalDataErased: true`), while everything else — types, amounts,
 * dates, versions — replays unchanged. Only ciphertext ever reaches the store (and what is forwarded
 * from it), so erasure reaches every copy.
 */
export class CryptoShreddingEventStore implements EventStore {
  private readonly rules: Map<string, { paths: (string | '*')[][]; subject: (event: NewEvent) => string | undefined }>;
  private readonly cache = new Map<string, { key: Buffer | undefined; at: number }>();
  private readonly cacheSize: number;
  private readonly cacheTtlMs: number;

  constructor(
    private readonly inner: EventStore,
    private readonly options: CryptoShreddingOptions,
  ) {
    this.rules = new Map(
      Object.entries(options.personalData).map(([type, rule]) => [
        type,
        { paths: rule.fields.map(parsePath), subject: rule.subject ?? ((e: NewEvent) => e.metadata?.guestId) },
      ]),
    );
    this.cacheSize = options.keyCache?.size ?? 10_000;
    this.cacheTtlMs = options.keyCache?.ttlMs ?? 60_000;
  }

  async appendToStream(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const sealed = await Promise.all(
      events.map(async (event, index) => {
        const rule = event && this.rules.get(event.type);
        if (!rule) return event;
        const subject = rule.subject(event);
        if (!subject) throw missingSubject(index, event.type);
        const key = await this.options.keys.getOrCreateKey(subject, event.metadata.tenantId);
        return { ...event, data: mapPaths(event.data, rule.paths, (value) => encryptValue(key, subject, value)) };
      }),
    );
    return this.inner.appendToStream(stream, sealed, options);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return Promise.all((await this.inner.readStream(stream, options)).map((e) => this.reveal(e)));
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return Promise.all((await this.inner.readAll(options)).map((e) => this.reveal(e)));
  }

  async *subscribeToAll(options?: SubscribeOptions): AsyncIterable<StoredEvent> {
    for await (const event of this.inner.subscribeToAll(options)) yield await this.reveal(event);
  }

  streamVersion(stream: string): Promise<number | undefined> {
    return this.inner.streamVersion(stream);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Crypto-shreds a subject: destroys its key, so its personal data can never be read again. */
  async erase(subjectId: string): Promise<void> {
    await this.options.keys.destroyKey(subjectId);
    this.cache.set(subjectId, { key: undefined, at: Date.now() });
  }

  private async reveal(event: StoredEvent): Promise<StoredEvent> {
    if (!containsEncrypted(event.data)) return event;
    let erased = false;
    const data = await mapEncrypted(event.data, async (value: EncryptedValue) => {
      const key = await this.key(value.s);
      if (!key) {
        erased = true;
        return ERASED;
      }
      return decryptValue(key, value);
    });
    return { ...event, data, metadata: erased ? { ...event.metadata, personalDataErased: true } : event.metadata };
  }

  private async key(subjectId: string): Promise<Buffer | undefined> {
    const cached = this.cache.get(subjectId);
    if (cached && Date.now() - cached.at < this.cacheTtlMs) return cached.key;
    const key = await this.options.keys.getKey(subjectId);
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(subjectId, { key, at: Date.now() });
    return key;
  }
}
