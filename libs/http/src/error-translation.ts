import type { RouteDefinition } from './route';

/**
 * Wraps a route so errors its handler throws pass through `translate` first (a service's typed use-case
 * errors → `HttpError`s), on idempotent routes too (the idempotency layer stores the translated problem).
 * `translate` returns the error unchanged when it has nothing to say about it.
 */
export function withErrorTranslation(definition: RouteDefinition, translate: (error: unknown, ctx: Parameters<RouteDefinition['handler']>[0]) => unknown): RouteDefinition {
  return {
    spec: definition.spec,
    handler: async (ctx) => {
      try {
        return await definition.handler(ctx);
      } catch (error) {
        throw translate(error, ctx);
      }
    },
  };
}
