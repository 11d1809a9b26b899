import type { z } from 'zod';
import { ConfigError } from './errors';

/**
 * With `STRICT_PRODUCTION_CONFIG=true`, a service must not run on the development defaults of its
 * secrets (the public master key, pepper…): throws a `ConfigError` naming every such variable still at
 * its schema default. Does nothing when `strict` is false.
 */
export function refuseDevelopmentDefaults<S extends z.ZodObject>(schema: S, config: Readonly<Record<string, unknown>>, names: readonly (keyof z.output<S> & string)[], strict: boolean): void {
  if (!strict) return;
  const shape = schema.shape as Record<string, z.ZodType>;
  const still = names.filter((name) => {
    const field = shape[name];
    return field !== undefined && config[name] === field.safeParse(undefined).data;
  });
  if (still.length > 0) {
    throw new ConfigError(still.map((variable) => ({ variable, message: 'still has its development default (STRICT_PRODUCTION_CONFIG=true)' })));
  }
}
