export {
  HEARTH_ATTRIBUTES,
  activeTraceIds,
  contextFromTraceHeaders,
  currentTraceHeaders,
  withSpan,
} from './trace-context';
export type { SpanOptions, TraceHeaders } from './trace-context';
