import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Change notifications of PostgreSQL read models: which documents a committed transaction wrote, sent
 * with `pg_notify` inside that transaction (so they are delivered exactly when, and only if, it
 * commits), and a listener per process that reads them (`DocumentChangeListener`). Caches of documents
 * in other processes (HTTP workers, other instances) drop what changed instead of expiring by time.
 */

/** `hrm_<hash>`: the channel of one schema's document changes (channel names are limited to 63 bytes). */
export function changeChannel(schema: string): string {
  return `hrm_${createHash('sha1').update(`documents:${schema}`).digest('hex').slice(0, 24)}`;
}

/** A changed document: collection, tenant, id. */
export type DocumentChange = readonly [collection: string, tenantId: string, id: string];

/** NOTIFY payloads are limited to 8,000 bytes: changes go out in chunks; beyond `MAX_CHUNKS`, a reset of the collections. */
const MAX_PAYLOAD = 7_500;
const MAX_CHUNKS = 20;

/** The payloads announcing `changes` (JSON arrays), or one `{"reset":[collections]}` when there are too many. */
export function changePayloads(changes: Iterable<DocumentChange>): string[] {
  const payloads: string[] = [];
  let current: DocumentChange[] = [];
  let size = 2;
  const collections = new Set<string>();
  for (const change of changes) {
    collections.add(change[0]);
    const length = JSON.stringify(change).length + 1;
    if (size + length > MAX_PAYLOAD && current.length > 0) {
      payloads.push(JSON.stringify(current));
      current = [];
      size = 2;
    }
    current.push(change);
    size += length;
  }
  if (current.length > 0) payloads.push(JSON.stringify(current));
  return payloads.length > MAX_CHUNKS ? [JSON.stringify({ reset: [...collections] })] : payloads;
}

/** What a listener hears: documents that changed, or collections whose every document may have changed (`null`: all). */
export type ChangeEvent = { type: 'changed'; changes: readonly DocumentChange[] } | { type: 'reset'; collections: readonly string[] | null };

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/**
 * One LISTEN connection per store and process, shared by its cached readers. While it is not
 * listening (`live()` false) readers must not trust what they cached; every (re)connection and every
 * loss is announced as a reset of everything, since changes may have been missed meanwhile.
 */
export class DocumentChangeListener {
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
  ) {}

  live(): boolean {
    return this.client !== undefined;
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    void this.connect();
    return () => void this.listeners.delete(listener);
  }

  /** Resolves once listening (or after a failed attempt; `live()` says which). */
  ready(): Promise<void> {
    return this.connecting ?? Promise.resolve();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private connect(): Promise<void> {
    if (this.closed || this.client || this.connecting) return this.connecting ?? Promise.resolve();
    this.connecting = (async () => {
      const client = new pg.Client(this.config);
      const lost = () => {
        if (this.client !== client) return;
        this.client = undefined;
        client.end().catch(() => undefined);
        this.emit({ type: 'reset', collections: null });
        this.scheduleReconnect();
      };
      client.on('notification', (message) => {
        if (message.channel !== this.channel || !message.payload) return;
        const parsed = parsePayload(message.payload);
        if (parsed) this.emit(parsed);
      });
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        // an auxiliary connection: it must never keep the process alive on its own
        (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
        await client.query(`LISTEN "${this.channel}"`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.client = client;
        this.reconnectDelayMs = RECONNECT_MIN_MS;
        // whatever changed before LISTEN took effect was not heard
        this.emit({ type: 'reset', collections: null });
      } catch {
        client.end().catch(() => undefined);
        this.scheduleReconnect();
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
  }
}

function parsePayload(payload: string): ChangeEvent | undefined {
  try {
    const value = JSON.parse(payload) as unknown;
    if (Array.isArray(value)) return { type: 'changed', changes: value.filter((c): c is DocumentChange => Array.isArray(c) && c.length === 3 && c.every((p) => typeof p === 'string')) };
    const reset = (value as { reset?: unknown } | null)?.reset;
    if (Array.isArray(reset)) return { type: 'reset', collections: reset.filter((c): c is string => typeof c === 'string') };
  } catch {
    // not ours: ignore
  }
  return { type: 'reset', collections: null }; // unreadable: assume anything changed
}
