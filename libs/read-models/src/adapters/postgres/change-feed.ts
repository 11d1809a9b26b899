import { createHash } from 'node:crypto';
import { ChannelListener } from '@hearth/postgres';
import type pg from 'pg';

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

/**
 * A changed document: collection, tenant, id, and the version it was written with (absent: unknown, as for
 * a delete; a reader then drops whatever it holds).
 */
export type DocumentChange = readonly [collection: string, tenantId: string, id: string, version?: number];

/** NOTIFY payloads are limited to 8,000 bytes: changes go out in chunks; beyond `MAX_CHUNKS`, a reset of the collections. */
const MAX_PAYLOAD = 7_500;
const MAX_CHUNKS = 20;

/**
 * The payloads announcing `changes`, or one `{"reset":[collections]}` when there are too many. A payload is
 * a JSON array of `[collection, tenantId, id]` triples followed by one `{"versions":[…]}` object holding the
 * triples' versions in order (`null`: unknown). Listeners that predate versions skip the object and drop
 * every triple, so processes of two releases can share a channel during a rolling update.
 */
export function changePayloads(changes: Iterable<DocumentChange>): string[] {
  const payloads: string[] = [];
  let current: DocumentChange[] = [];
  let size = 16;
  const collections = new Set<string>();
  const flush = () => {
    payloads.push(JSON.stringify([...current.map(([c, t, id]) => [c, t, id]), { versions: current.map((change) => change[3] ?? null) }]));
    current = [];
    size = 16;
  };
  for (const change of changes) {
    collections.add(change[0]);
    const length = JSON.stringify(change.slice(0, 3)).length + String(change[3] ?? null).length + 2;
    if (size + length > MAX_PAYLOAD && current.length > 0) flush();
    current.push(change);
    size += length;
  }
  if (current.length > 0) flush();
  return payloads.length > MAX_CHUNKS ? [JSON.stringify({ reset: [...collections] })] : payloads;
}

/** What a listener hears: documents that changed, or collections whose every document may have changed (`null`: all). */
export type ChangeEvent = { type: 'changed'; changes: readonly DocumentChange[] } | { type: 'reset'; collections: readonly string[] | null };

/**
 * One LISTEN connection per store and process (`ChannelListener` of `@hearth/postgres`), shared by its
 * cached readers. While it is not listening (`live()` false) readers must not trust what they cached;
 * every (re)connection and every loss is announced as a reset of everything, since changes may have been
 * missed meanwhile.
 */
export class DocumentChangeListener {
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly channel: ChannelListener;

  constructor(config: pg.ClientConfig, channel: string) {
    this.channel = new ChannelListener({
      connection: config,
      channel,
      onNotification: (payload) => {
        this.emit(parsePayload(payload));
      },
      onGap: () => this.emit({ type: 'reset', collections: null }),
    });
  }

  live(): boolean {
    return this.channel.live();
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    void this.channel.start();
    return () => void this.listeners.delete(listener);
  }

  /** Resolves once listening (or after a failed attempt; `live()` says which). */
  ready(): Promise<void> {
    return this.channel.start();
  }

  close(): void {
    this.channel.close();
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** Exported for tests: what a payload announces (anything unreadable is a reset of everything). */
export function parsePayload(payload: string): ChangeEvent {
  try {
    const value = JSON.parse(payload) as unknown;
    if (Array.isArray(value)) {
      const last = value.at(-1) as { versions?: unknown } | undefined;
      const versions = last !== null && typeof last === 'object' && !Array.isArray(last) && Array.isArray(last.versions) ? (last.versions as unknown[]) : [];
      const changes: DocumentChange[] = [];
      for (const item of value) {
        if (!Array.isArray(item)) continue;
        if (item.length !== 3 || !item.every((p) => typeof p === 'string')) return { type: 'reset', collections: null };
        const version = versions[changes.length];
        const [collection, tenantId, id] = item as [string, string, string];
        changes.push(typeof version === 'number' && Number.isSafeInteger(version) ? [collection, tenantId, id, version] : [collection, tenantId, id]);
      }
      return { type: 'changed', changes };
    }
    const reset = (value as { reset?: unknown } | null)?.reset;
    if (Array.isArray(reset)) return { type: 'reset', collections: reset.filter((c): c is string => typeof c === 'string') };
  } catch {
    // unreadable: below
  }
  return { type: 'reset', collections: null }; // unreadable: assume anything changed
}
