import type { Decider } from '@hearth/event-store';
import { deciderSpec } from './decider-spec';

// A points balance, as in the conventions' example.
type Event = { type: 'PointsEarned'; data: { points: number; sourceId: string } } | { type: 'PointsRedeemed'; data: { points: number } };
type Command = { type: 'Earn'; points: number; sourceId: string } | { type: 'Redeem'; points: number };
type State = { balance: number; sources: string[] };

const points: Decider<State, Command, Event> = {
  initialState: () => ({ balance: 0, sources: [] }),
  decide(c, s) {
    if (c.type === 'Earn') return s.sources.includes(c.sourceId) ? [] : [{ type: 'PointsEarned', data: { points: c.points, sourceId: c.sourceId } }];
    if (c.points > s.balance) throw Object.assign(new Error(`only ${s.balance} points`), { code: 'INSUFFICIENT_POINTS' });
    return [{ type: 'PointsRedeemed', data: { points: c.points } }];
  },
  evolve(s, e) {
    if (e.type === 'PointsEarned') return { balance: s.balance + e.data.points, sources: [...s.sources, e.data.sourceId] };
    if (e.type === 'PointsRedeemed') return { ...s, balance: s.balance - e.data.points };
    return s;
  },
};
const earned = (points: number, sourceId: string): Event => ({ type: 'PointsEarned', data: { points, sourceId } });

describe('deciderSpec', () => {
  const spec = deciderSpec(points);

  it('then: compares the decided events', () => {
    spec.given([earned(100, 'stay-1')]).when({ type: 'Redeem', points: 40 }).then([{ type: 'PointsRedeemed', data: { points: 40 } }]);
    expect(() => spec.given([earned(100, 'stay-1')]).when({ type: 'Redeem', points: 40 }).then([])).toThrow();
  });

  it('thenNothingHappened: passes for an idempotent repeat, fails when events are decided', () => {
    spec.given([earned(100, 'stay-1')]).when({ type: 'Earn', points: 100, sourceId: 'stay-1' }).thenNothingHappened();
    expect(() => spec.given([]).when({ type: 'Earn', points: 5, sourceId: 'stay-2' }).thenNothingHappened()).toThrow();
  });

  it('thenThrows: matches the error code or a message pattern, and fails when nothing is thrown', () => {
    spec.given([earned(10, 'stay-1')]).when({ type: 'Redeem', points: 500 }).thenThrows('INSUFFICIENT_POINTS');
    spec.given([]).when({ type: 'Redeem', points: 1 }).thenThrows(/INSUFFICIENT/);
    expect(() => spec.given([earned(10, 'stay-1')]).when({ type: 'Redeem', points: 5 }).thenThrows('INSUFFICIENT_POINTS')).toThrow(
      /expected decide\(\) to throw/,
    );
    expect(() => spec.given([]).when({ type: 'Redeem', points: 1 }).thenThrows('OTHER_CODE')).toThrow();
  });
});
