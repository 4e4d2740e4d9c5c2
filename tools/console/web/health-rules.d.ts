// Types of health-rules.js (the console's health flags, plain JS for the browser) for the Node tests.
import type { HealthMetrics } from '../../../modules/runtime/health-metrics.ts';

export interface HealthFlag { rule: 'resets' | 'heap' | 'outbox'; text: string }
export const HISTORY: number;
export const THRESHOLDS: Readonly<Record<string, number>>;
export function resetsRising(history: readonly HealthMetrics[]): HealthFlag | undefined;
export function heapCreeping(history: readonly HealthMetrics[]): HealthFlag | undefined;
export function outboxGrowing(history: readonly HealthMetrics[]): HealthFlag | undefined;
export function healthFlags(history: readonly HealthMetrics[]): HealthFlag[];
export function parseMetrics(text: string): HealthMetrics | undefined;
