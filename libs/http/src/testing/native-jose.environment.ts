import NodeEnvironment from 'jest-environment-node';

/**
 * Jest environment for tests that load `jose`. jose 6 is ESM-only; Node 24 can `require()` it, but
 * Jest's module registry cannot without `--experimental-vm-modules` (and the root Jest config does not
 * transform node_modules). This environment is loaded by Node's own loader, so it requires jose
 * natively and hands it to the test, which maps the module to it:
 *
 * ```ts
 * /** @jest-environment ./libs/http/src/testing/native-jose.environment.ts *\/
 * jest.mock('jose', () => (globalThis as { __hearthNativeJose?: unknown }).__hearthNativeJose);
 * ```
 *
 * This is the real jose, not a stand-in. jose then runs in Node's realm, so its errors are matched by
 * `code` (never `instanceof`). Drop this once Jest transforms jose or runs with vm modules.
 */
export default class NativeJoseEnvironment extends NodeEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.global.__hearthNativeJose = require('jose');
  }
}
