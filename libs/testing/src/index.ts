export { uniqueName } from './unique';
export { testMetadata, testEvent, uniqueCategory } from '@hearth/event-store';
export { eventually } from './eventually';
export { deciderSpec } from './decider-spec';
export { testDatabaseUrl, dropSchema } from './postgres';
export { cpuTotal, openLoop, percentile, processTreeCpu, settle, settlePostgres } from './bench';
export type { CpuSeconds, OpenLoopResult } from './bench';
export { benchHttp, freePort, inParallel, measuringDelay, startBenchService, stopBenchServices } from './bench-services';
export type { BenchHttp, BenchReply, BenchService } from './bench-services';
