import { z } from 'zod';
import { refuseDevelopmentDefaults } from './development-defaults';
import { ConfigError } from './errors';

describe('refuseDevelopmentDefaults', () => {
  const schema = z.object({ MASTER_KEY: z.string().default('public-development-key'), PEPPER: z.string().default('dev-pepper'), PORT: z.coerce.number().default(80) });

  it('names every secret still at its development default when strict', () => {
    const error = (() => {
      try {
        refuseDevelopmentDefaults(schema, { MASTER_KEY: 'public-development-key', PEPPER: 'dev-pepper', PORT: 80 }, ['MASTER_KEY', 'PEPPER'], true);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['MASTER_KEY', 'PEPPER']);
    expect((error as ConfigError).message).not.toContain('public-development-key');
  });

  it('accepts set secrets, and anything when not strict', () => {
    expect(() => refuseDevelopmentDefaults(schema, { MASTER_KEY: 'a-real-key', PEPPER: 'a-real-pepper', PORT: 80 }, ['MASTER_KEY', 'PEPPER'], true)).not.toThrow();
    expect(() => refuseDevelopmentDefaults(schema, { MASTER_KEY: 'public-development-key', PEPPER: 'dev-pepper', PORT: 80 }, ['MASTER_KEY', 'PEPPER'], false)).not.toThrow();
  });
});
