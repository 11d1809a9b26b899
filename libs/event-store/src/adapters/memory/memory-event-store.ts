import { DuplicateEventIdError, StreamNotFoundError } from '../../errors';
import { ChangeSignal, subscribe } from '../../subscription';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from '../../types';
import {
  parseStreamName,
  prepareEvents,
  validateExpectedVersion,
  validateReadAllOptions,
  validateReadStreamOptions,
} from '../../validation';
import { checkExpectedVersion, sliceStream } from '../shared';

/** Kept serialised (data and metadata as JSON), so callers can never mutate stored history. */
type StoredRecord = Omit<StoredEvent, 'data' | 'metadata'> & { category: string; dataJson: string; metadataJson: string };

/**
 * In-memory EventStore for fast unit tests. Passes the same conformance suite as the real adapters.
 * Events are stored serialised and parsed on read, so callers can never mutate stored history.
 */
export class MemoryEventStore implements EventStore {
  private readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly eventIds = new Map<string, string>();
  private readonly changes = new ChangeSignal();

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const { category } = parseStreamName(stream);
    const expected = validateExpectedVersion(options.expectedVersion);
    const prepared = prepareEvents(events);
    const existing = this.streams.get(stream) ?? [];

    const fresh = prepared.filter((e) => {
      const owner = this.eventIds.get(e.eventId);
      if (owner !== undefined && owner !== stream) throw new DuplicateEventIdError(e.eventId, owner);
      return owner === undefined;
    });
    if (fresh.length === 0) {
      const last = existing.filter((r) => prepared.some((p) => p.eventId === r.eventId)).at(-1)!;
      return { streamVersion: existing.length - 1, globalPosition: last.globalPosition, duplicate: true };
    }
    const actual = existing.length === 0 ? undefined : existing.length - 1;
    checkExpectedVersion(stream, expected, actual);

    const recordedAt = new Date().toISOString();
    for (const e of fresh) {
      const record: StoredRecord = {
        eventId: e.eventId,
        type: e.type,
        streamName: stream,
        streamVersion: existing.length,
        globalPosition: this.log.length + 1,
        recordedAt,
        category,
        dataJson: e.dataJson,
        metadataJson: e.metadataJson,
      };
      existing.push(record);
      this.log.push(record);
      this.eventIds.set(e.eventId, stream);
    }
    this.streams.set(stream, existing);
    this.changes.notify();
    const last = existing.at(-1)!;
    return { streamVersion: last.streamVersion, globalPosition: last.globalPosition, duplicate: false };
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    parseStreamName(stream);
    const opts = validateReadStreamOptions(options);
    const records = this.streams.get(stream);
    if (!records) throw new StreamNotFoundError(stream);
    return sliceStream(records, opts).map(toStoredEvent);
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    const { fromPosition, limit, categories } = validateReadAllOptions(options);
    return this.read(fromPosition, limit, categories);
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<StoredEvent> {
    return subscribe(
      { read: (from, limit, categories) => this.read(from, limit, categories), changes: this.changes, idleRecheckMs: 60_000 },
      options,
    );
  }

  async streamVersion(stream: string): Promise<number | undefined> {
    parseStreamName(stream);
    const records = this.streams.get(stream);
    return records ? records.length - 1 : undefined;
  }

  async close(): Promise<void> {
    this.changes.notify();
  }

  private async read(fromPosition: number, limit: number, categories: readonly string[] | undefined): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    // positions are dense (index + 1), so the first candidate is at index fromPosition
    for (let i = Math.max(0, fromPosition); i < this.log.length && out.length < limit; i++) {
      const record = this.log[i]!;
      if (!categories || categories.includes(record.category)) out.push(toStoredEvent(record));
    }
    return out;
  }
}

function toStoredEvent(r: StoredRecord): StoredEvent {
  return {
    eventId: r.eventId,
    type: r.type,
    data: JSON.parse(r.dataJson),
    metadata: JSON.parse(r.metadataJson),
    streamName: r.streamName,
    streamVersion: r.streamVersion,
    globalPosition: r.globalPosition,
    recordedAt: r.recordedAt,
  };
}
