export { loadConfig } from './load-config';
export type { ConfigSummary, DeepReadonly, LoadConfigOptions } from './load-config';
export { ConfigError } from './errors';
export { refuseDevelopmentDefaults } from './development-defaults';
export type { ConfigProblem } from './errors';
export {
  SECRET_MASK,
  describeConfig,
  isSecretName,
  isSecretSchema,
  maskUrlCredentials,
  secret,
  secretKeysOf,
} from './secrets';
export { bool, csv, duration, port, url } from './env-helpers';
export { serviceConfigShape, validatesResponses } from './service-config';
export type { UrlOptions } from './env-helpers';
