import type { SnapshotStore } from '../snapshots';
import { uniqueCategory } from './fixtures';

/** One suite for every SnapshotStore adapter. */
export function describeSnapshotStoreConformance(name: string, factory: () => Promise<{ store: SnapshotStore; cleanup?: () => Promise<void> }>): void {
  describe(`SnapshotStore conformance: ${name}`, () => {
    let store: SnapshotStore;
    let cleanup: (() => Promise<void>) | undefined;
    let stream: string;
    const snap = (streamVersion: number, state: unknown, schemaVersion = 'v1') => ({ stream, streamVersion, schemaVersion, state, takenAt: '2026-11-23T10:00:00.000Z' });

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
      stream = `${uniqueCategory()}-1`;
    });
    afterEach(async () => cleanup?.());

    it('saves and loads a snapshot', async () => {
      expect(await store.load(stream)).toBeUndefined();
      await store.save(snap(9, { total: 10, names: ['Zoë'] }));
      expect(await store.load(stream)).toEqual(snap(9, { total: 10, names: ['Zoë'] }));
    });

    it('keeps the newest: an older snapshot never replaces a newer one', async () => {
      await store.save(snap(20, { n: 20 }));
      await store.save(snap(10, { n: 10 }));
      expect((await store.load(stream))?.streamVersion).toBe(20);
      await store.save(snap(30, { n: 30 }));
      expect(await store.load(stream)).toMatchObject({ streamVersion: 30, state: { n: 30 } });
    });

    it('deletes a snapshot', async () => {
      await store.save(snap(1, {}));
      await store.delete(stream);
      expect(await store.load(stream)).toBeUndefined();
    });
  });
}
