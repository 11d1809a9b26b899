/**
 * Snapshots: an optional cache of a decider's folded state at a stream version, so long streams load
 * from the snapshot plus the events after it. A snapshot is only a cache — the stream stays the truth —
 * so a snapshot that is missing, stale, unreadable or of another state schema is ignored.
 *
 * Privacy: a snapshot holds whatever the state holds. Streams subject to erasure must delete their
 * snapshots when they are erased (`SnapshotStore.delete`).
 */
export type Snapshot<S = unknown> = {
  stream: string;
  /** Version of the last event folded into `state`. */
  streamVersion: number;
  /** The decider's state schema when the snapshot was taken; a different one invalidates it. */
  schemaVersion: string;
  state: S;
  takenAt: string;
};

export interface SnapshotStore {
  load(stream: string): Promise<Snapshot | undefined>;
  /** Stores the snapshot unless a newer one (higher stream version) of the same state schema is stored. */
  save(snapshot: Snapshot): Promise<void>;
  delete(stream: string): Promise<void>;
}

/** How a decider's state is snapshotted. */
export type SnapshotPolicy<S> = {
  store: SnapshotStore;
  /** Bump whenever the state's shape changes: older snapshots are then ignored. */
  schemaVersion: string;
  /** Take a new snapshot once at least this many events were folded after the last one (default 500). */
  every?: number;
  /** For states that are not plain JSON (Maps, Sets, Dates): convert to and from JSON. */
  toJson?: (state: S) => unknown;
  fromJson?: (json: unknown) => S;
  /** Called when saving a snapshot fails; the load itself still succeeds. */
  onError?: (error: unknown) => void;
};

/** In-memory SnapshotStore for tests. Stores copies, like the real one. */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, string>();

  async load(stream: string): Promise<Snapshot | undefined> {
    const json = this.snapshots.get(stream);
    return json === undefined ? undefined : (JSON.parse(json) as Snapshot);
  }

  async save(snapshot: Snapshot): Promise<void> {
    const current = await this.load(snapshot.stream);
    if (current && current.streamVersion >= snapshot.streamVersion && current.schemaVersion === snapshot.schemaVersion) return;
    this.snapshots.set(snapshot.stream, JSON.stringify(snapshot));
  }

  async delete(stream: string): Promise<void> {
    this.snapshots.delete(stream);
  }
}
