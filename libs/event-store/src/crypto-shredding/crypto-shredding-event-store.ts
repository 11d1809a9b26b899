import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, SubscribeOptions } from '../types';
import { collectSubjects, decryptValue, encryptValue, ERASED, mapEncrypted, mapPaths, missingSubject, parsePath } from './personal-data';
import type { KeyDestructionWatch, SubjectKeyStore } from './subject-keys';

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
  /**
   * How many subject keys to keep decrypted in memory (default 10,000), and for how long: `ttlMs` (default
   * 60 s) bounds how long another process's erasure may go unnoticed here; while the key store announces
   * destructions (`watchDestroyed`), keys are dropped the moment they are destroyed and kept `watchedTtlMs`
   * (default 1 h).
   */
  keyCache?: { size?: number; ttlMs?: number; watchedTtlMs?: number };
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
  /** Subject → its data key (`undefined`: erased or never created), shared by concurrent readers while it is fetched. */
  private readonly cache = new Map<string, { key: Promise<Buffer | undefined>; at: number }>();
  private readonly cacheSize: number;
  private readonly cacheTtlMs: number;
  private readonly watchedTtlMs: number;
  private readonly watch: KeyDestructionWatch | undefined;

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
    this.watchedTtlMs = options.keyCache?.watchedTtlMs ?? 3_600_000;
    this.watch = options.keys.watchDestroyed?.((subjectId) => {
      if (subjectId === null) this.cache.clear();
      else this.cache.delete(subjectId);
    });
  }

  async appendToStream(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const sealed = await Promise.all(
      events.map(async (event, index) => {
        const rule = event && this.rules.get(event.type);
        if (!rule) return event;
        const subject = rule.subject(event);
        if (!subject) throw missingSubject(index, event.type);
        const key = await this.keyForWriting(subject, event.metadata.tenantId);
        return { ...event, data: mapPaths(event.data, rule.paths, (value) => encryptValue(key, subject, value)) };
      }),
    );
    return this.inner.appendToStream(stream, sealed, options);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.reveal(await this.inner.readStream(stream, options));
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.reveal(await this.inner.readAll(options));
  }

  async *subscribeToAll(options?: SubscribeOptions): AsyncIterable<StoredEvent> {
    for await (const event of this.inner.subscribeToAll(options)) yield (await this.reveal([event]))[0]!;
  }

  streamVersion(stream: string): Promise<number | undefined> {
    return this.inner.streamVersion(stream);
  }

  close(): Promise<void> {
    this.watch?.close();
    return this.inner.close();
  }

  /**
   * Starts loading the subjects' keys into the cache without waiting: a caller that knows whose stream it
   * reads next overlaps the key lookup with the read (one database round trip instead of two in a row);
   * the read's decryption then waits for the same lookup. Failures are left to that read.
   */
  prefetchKeys(subjectIds: Iterable<string>): void {
    for (const subjectId of subjectIds) this.key(subjectId).catch(() => undefined);
  }

  /** Crypto-shreds a subject: destroys its key, so its personal data can never be read again. */
  async erase(subjectId: string): Promise<void> {
    await this.options.keys.destroyKey(subjectId);
    this.cache.set(subjectId, { key: Promise.resolve(undefined), at: Date.now() });
  }

  /** Decrypts a batch of events: each subject's key is looked up once, then every value is opened. */
  private async reveal(events: StoredEvent[]): Promise<StoredEvent[]> {
    const subjects = new Set<string>();
    for (const event of events) collectSubjects(event.data, subjects);
    if (subjects.size === 0) return events;
    const keys = new Map(await Promise.all([...subjects].map(async (subject) => [subject, await this.key(subject)] as const)));
    return events.map((event) => {
      let erased = false;
      const data = mapEncrypted(event.data, (value) => {
        const key = keys.get(value.s);
        if (key) return decryptValue(key, value);
        erased = true;
        return ERASED;
      });
      if (data === event.data) return event;
      return { ...event, data, metadata: erased ? { ...event.metadata, personalDataErased: true } : event.metadata };
    });
  }

  /** How long a cached key may be used: long while destructions are announced to this process, else short. */
  private ttlMs(): number {
    return this.watch?.live() ? this.watchedTtlMs : this.cacheTtlMs;
  }

  /**
   * The key to encrypt with: a cached key of the subject (no read per append), else the store's, created
   * on first use (an erased subject throws `SubjectErasedError`).
   */
  private async keyForWriting(subjectId: string, tenantId: string): Promise<Buffer> {
    const cached = this.cache.get(subjectId);
    if (cached && Date.now() - cached.at < this.ttlMs()) {
      const key = await cached.key.catch(() => undefined);
      if (key) return key;
    }
    const key = await this.options.keys.getOrCreateKey(subjectId, tenantId);
    this.remember(subjectId, { key: Promise.resolve(key), at: Date.now() });
    return key;
  }

  private remember(subjectId: string, entry: { key: Promise<Buffer | undefined>; at: number }): void {
    this.cache.delete(subjectId);
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(subjectId, entry);
  }

  private key(subjectId: string): Promise<Buffer | undefined> {
    const cached = this.cache.get(subjectId);
    if (cached && Date.now() - cached.at < this.ttlMs()) return cached.key;
    const key = this.options.keys.getKey(subjectId);
    const entry = { key, at: Date.now() };
    this.remember(subjectId, entry);
    // a failed lookup is not remembered
    key.catch(() => this.cache.get(subjectId) === entry && this.cache.delete(subjectId));
    return key;
  }
}
