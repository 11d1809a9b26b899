import { changePayloads, parsePayload, type DocumentChange } from './change-feed';

describe('change notification payloads', () => {
  it('carry each change with its version (none for a delete) and read back the same', () => {
    const changes: DocumentChange[] = [
      ['guest_views', 't1', 'g1', 41],
      ['guest_views', 't1', 'g2'],
      ['arrivals', 't2', 'r1', 7],
    ];
    const payloads = changePayloads(changes);
    expect(payloads).toHaveLength(1);
    expect(parsePayload(payloads[0]!)).toEqual({ type: 'changed', changes });
  });

  it('stay readable by listeners that predate versions: the triples are there as before, the versions object is skipped', () => {
    const [payload] = changePayloads([
      ['guest_views', 't1', 'g1', 41],
      ['guest_views', 't1', 'g2', 42],
    ]);
    // what a listener of the previous release did with a payload
    const legacy = (JSON.parse(payload!) as unknown[]).filter((c) => Array.isArray(c) && c.length === 3 && c.every((p) => typeof p === 'string'));
    expect(legacy).toEqual([
      ['guest_views', 't1', 'g1'],
      ['guest_views', 't1', 'g2'],
    ]);
  });

  it('read a payload of the previous release as changes of unknown version', () => {
    expect(parsePayload('[["guest_views","t1","g1"]]')).toEqual({ type: 'changed', changes: [['guest_views', 't1', 'g1']] });
  });

  it('split many changes over payloads below the NOTIFY limit, and turn too many into a reset', () => {
    const many = Array.from({ length: 400 }, (_, i): DocumentChange => ['guest_views', 'tenant-1', `guest-${String(i).padStart(30, '0')}`, 1_000_000 + i]);
    const payloads = changePayloads(many);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    const read = payloads.map(parsePayload).flatMap((event) => (event.type === 'changed' ? event.changes : []));
    expect(read).toEqual(many);
    const tooMany = Array.from({ length: 10_000 }, (_, i): DocumentChange => ['guest_views', 'tenant-1', `guest-${String(i).padStart(30, '0')}`, i]);
    expect(changePayloads(tooMany).map(parsePayload)).toEqual([{ type: 'reset', collections: ['guest_views'] }]);
  });

  it('treat anything unreadable as a reset of everything', () => {
    for (const payload of ['not json', '[["guest_views","t1"]]', '[["guest_views","t1",3]]', 'null', '{"other":1}']) {
      expect(parsePayload(payload)).toEqual({ type: 'reset', collections: null });
    }
  });
});
