import { InvalidMessagingOptionError } from '../errors';

/**
 * Where a forwarder remembers how far it got: the `globalPosition` of the last stored event it has
 * published. The port has a PostgreSQL adapter (the service's own database) and an in-memory one.
 */
export interface CheckpointStore {
  /** The saved position of `name`, or `undefined` before the first save. */
  load(name: string): Promise<number | undefined>;
  /**
   * Saves `position` durably. Never moves a checkpoint backwards: a stale writer (an older instance
   * still running) cannot undo progress. Use `reset` to move back on purpose.
   */
  save(name: string, position: number): Promise<void>;
  /** Sets the position unconditionally (e.g. to re-publish from an earlier point). */
  reset(name: string, position: number): Promise<void>;
}

/** Checkpoints in memory, for tests and throwaway tools. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();

  async load(name: string): Promise<number | undefined> {
    return this.positions.get(name);
  }

  async save(name: string, position: number): Promise<void> {
    assertPosition(position);
    if (position > (this.positions.get(name) ?? -1)) this.positions.set(name, position);
  }

  async reset(name: string, position: number): Promise<void> {
    assertPosition(position);
    this.positions.set(name, position);
  }
}

export function assertPosition(position: number): void {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new InvalidMessagingOptionError('position', `must be an integer ≥ 0, got ${String(position)}`);
  }
}
