import { Counter, Gauge, Registry } from 'prom-client';
import type { TaskState } from './task-status.js';

const LABELS = ['connector', 'task'] as const;

/** Per connector and task counters, exposed on `GET /metrics` in Prometheus' text format. */
export class ConnectMetrics {
  readonly registry = new Registry();
  readonly polled = new Counter({
    name: 'sluice_connect_source_records_polled_total',
    help: 'Records returned by source tasks',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly produced = new Counter({
    name: 'sluice_connect_source_records_written_total',
    help: 'Records of source tasks made durable in their topic',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly bytesRead = new Gauge({
    name: 'sluice_connect_source_bytes_read',
    help: 'Bytes of input source tasks have read, for those that report it',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly bytesTotal = new Gauge({
    name: 'sluice_connect_source_bytes_total',
    help: 'Size of the input of source tasks whose input is bounded and of known size',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly read = new Counter({
    name: 'sluice_connect_sink_records_read_total',
    help: 'Records read by sink tasks from their topics',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly written = new Counter({
    name: 'sluice_connect_sink_records_written_total',
    help: 'Records handed to sink tasks (put)',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly failed = new Counter({
    name: 'sluice_connect_records_failed_total',
    help: 'Records that failed a stage after retries',
    labelNames: [...LABELS, 'stage'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'sluice_connect_records_dead_lettered_total',
    help: 'Records sent to the dead-letter topic',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly state = new Gauge({
    name: 'sluice_connect_task_state',
    help: 'Task state: 1 for the current state of each task, 0 for the others',
    labelNames: [...LABELS, 'state'],
    registers: [this.registry],
  });

  setState(connector: string, task: number, state: TaskState): void {
    for (const s of [
      'RUNNING',
      'PAUSED',
      'FAILED',
      'RESTARTING',
      'STOPPED',
      'FINISHED',
      'UNASSIGNED',
    ] as const) {
      this.state.set({ connector, task: String(task), state: s }, s === state ? 1 : 0);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
