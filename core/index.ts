/**
 * kspan's core, its one public face: every folder outside core/ imports from here (tests may also use
 * core/test-support/index.ts). A pure state machine over an input log (shared/DESIGN.md):
 *
 *   normalize (normalize.ts, event-time.ts) → retarget (retarget-rules.ts)
 *   → reorder window (placement-order.ts, reorder-buffer.ts, occurrence-dedupe.ts)
 *   → correlate (correlation-rules.ts, rules/*.ts) → build (span-builder.ts, within-second.ts, span-attributes.ts)
 *   → lifecycle (trace-assembler.ts, recent-spans.ts, repeat-occurrence.ts)
 *
 * engine.ts composes the steps; object-store.ts holds what objects the events involve.
 */
export { Engine } from './engine.ts';
export type { EngineOptions, EngineStats } from './engine-options.ts';
export { ENGINE_DEFAULTS } from './engine-defaults.ts';
export { replay, type ReplayResult } from './replay.ts';
export type { EventRecord, InputRecord, ObjectRecord, TickRecord, WatchType } from './input-record.ts';
export type {
  CoreV1Event,
  EventSeries,
  EventsV1Event,
  KubeEvent,
  KubeObject,
  ManagedFieldsEntry,
  ObjectMeta,
  ObjectReference,
  OwnerReference,
} from './kube.ts';
export type { AttributeValue, KspanSpan, KspanSpanEvent } from './span.ts';
export type { SpanSink } from './span-sink.ts';
export { compareSpans, printTrees, type TreeOptions } from './tree-printer.ts';
export { formatTimeUs, parseTimeUs } from './time.ts';
export { eventTimeUs, isEventsV1 } from './event-time.ts';
export { CLUSTER_SCOPED_KINDS, isClusterScoped } from './cluster-scoped.ts';
export { revisionOf } from './revision.ts';
export { DIAGNOSTIC_CODES, type DiagnosticCode } from './diagnostics.ts';
export { CORRELATION_RULES, SCALING_SLOT } from './correlation-rules.ts';
export type { CorrelationRule, RuleId } from './correlation-rule.ts';
export { NODE_ASSIGNMENT } from './node-assignment.ts';
export {
  ARGO_ROLLOUTS_RULES,
  BUILT_IN_RETARGET_RULES,
  RETARGET_RULES,
  Retargeter,
  type RetargetRule,
} from './retarget-rules.ts';
export { SUBJECT_IDENTIFICATION } from './subject-identity.ts';
export { MESSAGE_SUBJECTS, type MessageSubject } from './message-subjects.ts';
export { TOP_LEVEL_SPAN_ANNOTATION } from './rules/top-level-annotation.ts';
export { redactSpec } from './spec-diff.ts';
export { StringPool } from './string-pool.ts';
