import { computeCues, daysUntilBirthday, type CueInput } from './cues';

const now = '2026-12-28T09:00:00Z';
const quiet: CueInput = { loyalty: null, analytics: null, complaints: [], dateOfBirth: null, callerBrandId: null, visitsToCallerBrand: 0 };
const codes = (input: Partial<CueInput>, at = now) => computeCues({ ...quiet, ...input }, at).map((c) => c.code);
const complaint = (overrides: Partial<CueInput['complaints'][number]> = {}): CueInput['complaints'][number] => ({
  complaintId: 'c-1',
  open: false,
  category: 'noise',
  severity: 'medium',
  occurredAt: '2026-12-01T20:00:00Z',
  recoveries: 1,
  ...overrides,
});

describe('cues', () => {
  it('given nothing notable, then no cue', () => {
    expect(codes({})).toEqual([]);
  });

  it('vip: an elite tier or the vip segment', () => {
    expect(computeCues({ ...quiet, loyalty: { tier: 'platinum', elite: null, pointsExpiring: null } }, now)).toEqual([{ code: 'vip', label: 'VIP guest', severity: 'info', detail: 'Platinum tier' }]);
    expect(codes({ loyalty: { tier: 'gold-plus', elite: true, pointsExpiring: null } })).toEqual(['vip']);
    expect(codes({ analytics: { segments: ['VIP', 'families'], riskScore: null, offer: null } })).toEqual(['vip']);
    expect(codes({ loyalty: { tier: 'silver', elite: null, pointsExpiring: null } })).toEqual([]);
    expect(codes({ loyalty: { tier: 'platinum', elite: false, pointsExpiring: null } })).toEqual(['vip']);
  });

  it('open-complaint: critical when a serious one is open', () => {
    expect(computeCues({ ...quiet, complaints: [complaint({ open: true, severity: 'critical' }), complaint({ complaintId: 'c-2', open: true, category: 'billing' })] }, now)[0]).toEqual({
      code: 'open-complaint',
      label: 'Open complaint',
      severity: 'critical',
      detail: '2 open complaints (billing, noise)',
    });
    expect(computeCues({ ...quiet, complaints: [complaint({ open: true, severity: 'low' })] }, now)[0]?.severity).toBe('warning');
    expect(codes({ complaints: [complaint({ open: false })] })).toEqual([]);
  });

  it('service-failure-without-recovery: a complaint of the last 90 days with no recovery', () => {
    expect(computeCues({ ...quiet, complaints: [complaint({ recoveries: 0 })] }, now)).toEqual([
      { code: 'service-failure-without-recovery', label: 'Service failure without recovery', severity: 'warning', detail: 'Noise complaint on 2026-12-01 without recovery' },
    ]);
    expect(codes({ complaints: [complaint({ recoveries: 0, occurredAt: '2026-09-01T00:00:00Z' })] })).toEqual([]);
    expect(codes({ complaints: [complaint({ recoveries: 2 })] })).toEqual([]);
    expect(codes({ complaints: [complaint({ recoveries: 0, occurredAt: '2027-01-05T00:00:00Z' })] })).toEqual([]);
  });

  it('birthday: within the next 7 days, across the year end', () => {
    expect(computeCues({ ...quiet, dateOfBirth: '1980-01-02' }, now)).toEqual([{ code: 'birthday', label: 'Birthday', severity: 'info', detail: 'Birthday in 5 days (01-02)' }]);
    expect(computeCues({ ...quiet, dateOfBirth: '1980-12-28' }, now)[0]?.detail).toBe('Birthday today');
    expect(computeCues({ ...quiet, dateOfBirth: '1980-12-29' }, now)[0]?.detail).toBe('Birthday tomorrow (12-29)');
    expect(codes({ dateOfBirth: '1980-01-05' })).toEqual([]);
    expect(codes({ dateOfBirth: '1980-12-27' })).toEqual([]);
    expect(codes({ dateOfBirth: 'unknown' })).toEqual([]);
  });

  it('birthday on 29 February falls on 28 February in common years', () => {
    expect(daysUntilBirthday('2000-02-29', '2027-02-25')).toEqual({ days: 3, date: '2027-02-28' });
    expect(daysUntilBirthday('2000-02-29', '2028-02-25')).toEqual({ days: 4, date: '2028-02-29' });
  });

  it('first-visit-to-brand: a brand caller and no visit to that brand', () => {
    expect(codes({ callerBrandId: 'brand-a', visitsToCallerBrand: 0 })).toEqual(['first-visit-to-brand']);
    expect(codes({ callerBrandId: 'brand-a', visitsToCallerBrand: 3 })).toEqual([]);
    expect(codes({ callerBrandId: null, visitsToCallerBrand: 0 })).toEqual([]);
  });

  it('at-risk: risk score of 0.7 or more', () => {
    expect(codes({ analytics: { segments: [], riskScore: 0.7, offer: null } })).toEqual(['at-risk']);
    expect(codes({ analytics: { segments: [], riskScore: 0.69, offer: null } })).toEqual([]);
  });

  it('points-expiring and offer', () => {
    expect(codes({ loyalty: { tier: null, elite: null, pointsExpiring: { points: 1200, expiresAt: '2027-01-10T00:00:00Z' } } })).toEqual(['points-expiring']);
    expect(codes({ loyalty: { tier: null, elite: null, pointsExpiring: { points: 1200, expiresAt: '2027-03-10T00:00:00Z' } } })).toEqual([]);
    expect(codes({ loyalty: { tier: null, elite: null, pointsExpiring: { points: 0, expiresAt: '2027-01-10T00:00:00Z' } } })).toEqual([]);
    expect(computeCues({ ...quiet, analytics: { segments: [], riskScore: null, offer: { code: 'SPA-20', label: '20% off the spa' } } }, now)[0]?.detail).toBe('20% off the spa');
  });

  it('orders cues by severity', () => {
    expect(
      codes({
        loyalty: { tier: 'elite', elite: null, pointsExpiring: null },
        complaints: [complaint({ open: true, severity: 'high', recoveries: 0 })],
        analytics: { segments: [], riskScore: 0.9, offer: null },
      }),
    ).toEqual(['open-complaint', 'service-failure-without-recovery', 'at-risk', 'vip']);
  });
});
