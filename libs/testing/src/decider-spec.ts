import type { Decider, DomainEvent } from '@hearth/event-store';

type ErrorWithCode = { code?: unknown; message?: unknown };

/**
 * given/when/then for deciders (conventions: Tests):
 *
 *   const spec = deciderSpec(loyaltyDecider);
 *   spec.given([opened(), earned(100)]).when(redeem(40)).then([redeemed(40)]);
 *   spec.given([opened()]).when(redeem(500)).thenThrows('INSUFFICIENT_POINTS');
 */
export function deciderSpec<S, C, E extends DomainEvent>(decider: Decider<S, C, E>) {
  return {
    given(events: readonly E[]) {
      return {
        when(command: C) {
          const run = (): E[] => {
            const state = events.reduce<S>((s, e) => decider.evolve(s, e), decider.initialState());
            return decider.decide(command, state);
          };
          return {
            then(expected: readonly E[]): void {
              expect(run()).toEqual(expected);
            },
            thenNothingHappened(): void {
              expect(run()).toEqual([]);
            },
            /** Expects a thrown error whose `code` (or, failing that, message) equals/matches `expected`. */
            thenThrows(expected: string | RegExp): void {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              if (thrown === undefined) throw new Error(`expected decide() to throw ${String(expected)}, but it returned events`);
              const { code, message } = thrown as ErrorWithCode;
              const actual = typeof code === 'string' ? code : String(message);
              if (typeof expected === 'string') expect(actual).toBe(expected);
              else expect(actual).toMatch(expected);
            },
          };
        },
      };
    },
  };
}
