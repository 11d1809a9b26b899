export { createSlaSchedulerRunner, SLA_SCHEDULER_PROJECTION } from './sla-scheduler.runner';
export type { SlaSchedulerRunnerOptions } from './sla-scheduler.runner';
export { startSlaTimerWorker } from './sla-timer-worker';
export type { SlaTimerWorkerOptions } from './sla-timer-worker';
