import type { Actor } from './auth/actor';

// Typed request fields set by createApp's middleware; the augmentation ships with the package's types.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** `X-Request-Id` of this request (honoured when well-formed, generated otherwise); echoed in the response. */
      requestId: string;
      /** `X-Correlation-Id` (honoured when well-formed, else the request id); echoed, and meant for event metadata. */
      correlationId: string;
      /** The authenticated caller; set on routes that require a token (every route except health and OpenAPI). */
      actor?: Actor;
    }
  }
}

export {};
