import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Execution } from '../model/execution.js';
import { isTerminal } from '../model/execution.js';

/**
 * Squall's Prometheus metrics, one registry per process (not prom-client's global one, so a library
 * that registers its own metrics cannot collide with ours). The hot paths only move counters and
 * gauges held in memory; anything read from the store (queue depth and age) is read when
 * `/metrics` is scraped, never per execution. docs/metrics.md lists every series.
 */
const registry = new Registry();
let defaults = false;

/** The text `/metrics` serves; Node's process metrics start being collected on the first scrape. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  if (!defaults) {
    defaults = true;
    collectDefaultMetrics({ register: registry, prefix: 'squall_' });
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}

const executions = new Counter({
  name: 'squall_executions_total',
  help: 'Execution status changes made by this process, by action and new status (requested counts new executions)',
  labelNames: ['action', 'status'] as const,
  registers: [registry],
});

const duration = new Histogram({
  name: 'squall_execution_duration_seconds',
  help: 'Time from request to terminal status, by runner and terminal status',
  labelNames: ['runner', 'status'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
  registers: [registry],
});

/** Set at scrape time from the store (engine/metrics/queue-gauges.ts). */
export const queueDepth = new Gauge({
  name: 'squall_execution_queue_depth',
  help: 'Executions waiting to run, by status (requested, delayed, scheduled), across the deployment',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const queueAge = new Gauge({
  name: 'squall_execution_queue_oldest_age_seconds',
  help: 'Age of the oldest execution waiting to run (requested or scheduled), 0 when none waits',
  registers: [registry],
});

const slotsInUse = new Gauge({
  name: 'squall_runner_slots_in_use',
  help: 'Executions this process is running now',
  registers: [registry],
});

const slots = new Gauge({
  name: 'squall_runner_slots',
  help: 'Executions this process may run at once (executions.concurrency)',
  registers: [registry],
});

const ruleEvaluations = new Counter({
  name: 'squall_rule_evaluations_total',
  help: 'Trigger instances evaluated against the rules of their trigger',
  registers: [registry],
});

const ruleMatches = new Counter({
  name: 'squall_rule_matches_total',
  help: 'Rules whose criteria matched a trigger instance, by rule',
  labelNames: ['rule'] as const,
  registers: [registry],
});

const chatIn = new Counter({
  name: 'squall_chat_messages_received_total',
  help: 'Chat messages handed to the router, by platform',
  labelNames: ['platform'] as const,
  registers: [registry],
});

const chatOut = new Counter({
  name: 'squall_chat_messages_sent_total',
  help: 'Chat messages the platform confirmed (acks, results, edits), by platform',
  labelNames: ['platform'] as const,
  registers: [registry],
});

const ackLatency = new Histogram({
  name: 'squall_chat_ack_latency_seconds',
  help: 'Time from receiving a chat command to its ack being posted, by platform',
  labelNames: ['platform'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  registers: [registry],
});

const busReconnects = new Counter({
  name: 'squall_bus_reconnects_total',
  help: 'Times the RabbitMQ connection was re-established after it dropped',
  registers: [registry],
});

const storeErrors = new Counter({
  name: 'squall_store_errors_total',
  help: 'Store operations that failed, by Squall error code (SQ_STORE_UNAVAILABLE, SQ_INTERNAL); duplicate keys are not counted',
  labelNames: ['code'] as const,
  registers: [registry],
});

const policyActions = new Counter({
  name: 'squall_policy_actions_total',
  help: 'What policies did to executions, by policy type and outcome (delayed, canceled, retried)',
  labelNames: ['policy_type', 'outcome'] as const,
  registers: [registry],
});

const gcDeleted = new Counter({
  name: 'squall_gc_deleted_total',
  help: 'Records the garbage collector deleted, by collection',
  labelNames: ['collection'] as const,
  registers: [registry],
});

/** Each function is one increment or observation; callers never touch prom-client. */
export const metrics = {
  executionChanged(
    e: Pick<Execution, 'action' | 'status' | 'runner_type' | 'start_timestamp' | 'end_timestamp'>,
  ): void {
    executions.inc({ action: e.action.ref, status: e.status });
    if (isTerminal(e.status) && e.end_timestamp) {
      const s = (Date.parse(e.end_timestamp) - Date.parse(e.start_timestamp)) / 1000;
      if (Number.isFinite(s) && s >= 0) duration.observe({ runner: e.runner_type, status: e.status }, s);
    }
  },
  runnerSlots(capacity: number): void {
    slots.set(capacity);
  },
  runStarted(): void {
    slotsInUse.inc();
  },
  runEnded(): void {
    slotsInUse.dec();
  },
  ruleEvaluated(matchedRefs: readonly string[]): void {
    ruleEvaluations.inc();
    for (const rule of matchedRefs) ruleMatches.inc({ rule });
  },
  chatReceived(platform: string): void {
    chatIn.inc({ platform });
  },
  chatSent(platform: string): void {
    chatOut.inc({ platform });
  },
  chatAcked(platform: string, seconds: number): void {
    ackLatency.observe({ platform }, seconds);
  },
  busReconnected(): void {
    busReconnects.inc();
  },
  storeError(code: string): void {
    storeErrors.inc({ code });
  },
  policyApplied(policyType: string, outcome: 'delayed' | 'canceled' | 'retried'): void {
    policyActions.inc({ policy_type: policyType, outcome });
  },
  gcDeleted(collection: string, n: number): void {
    if (n > 0) gcDeleted.inc({ collection }, n);
  },
};
