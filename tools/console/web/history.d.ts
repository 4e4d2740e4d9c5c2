// Types of history.js (the console's merge of stored history with the live model) for the Node tests.
import type { DeviceView, Fleet, Series, Span } from './fleet.js';

export const RANGE_MS: Readonly<Record<'hour' | 'day' | 'week', number>>;
export function mergeTimeline(device: DeviceView, spans: Span[]): void;
export function mergeSeries(device: DeviceView, series: Series[]): void;
export function mergeAudit(device: DeviceView, entries: { t: number; entry: unknown }[]): void;
export function startHistory(fleet: Fleet, hooks: { selected(): string; redraw(): void; setWindow(ms: number | undefined): void }): Promise<void>;
