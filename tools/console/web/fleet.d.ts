// Types of fleet.js (the console's model, plain JS for the browser) for the Node tools that reuse it.
export const ROOT: string;
export const SUBSCRIPTION: string;
export type DeviceStatus = 'online' | 'asleep' | 'offline' | 'unknown';
export interface Reading { t: number; field: string; value: number }
export interface Series { key: string; mod: string; name: string; points: { t: number; v: number }[] }
export interface Span { status: DeviceStatus; from: number; to?: number }
export interface ModView { id: string; version?: string; state?: string; grants?: unknown; permissions?: unknown; errors?: number; denials?: number; lastError?: string; [key: string]: unknown }
export interface DeviceView {
  id: string;
  status: DeviceStatus;
  since: number;
  state: Record<string, unknown>;
  board: string;
  battery: unknown;
  versions: Record<string, string>;
  mods: ModView[];
  series: Map<string, Series>;
  timeline: Span[];
  log: { t: number; tag: string; text: string; level?: 'error' | 'warn' | 'info' | 'debug' }[];
  audit: { t: number; entry: unknown }[];
  ota: Map<string, Record<string, unknown>>;
  /** The packages installed over the air (`ota/installed`), by mod id: { id, version, digest, previous? }. */
  installed: Map<string, { id: string; version?: string; previous?: string; [key: string]: unknown }>;
  lastSeen: number;
}
export function statusOf(state: unknown): DeviceStatus;
export function readingsOf(payload: unknown, now: number): Reading[];
export function logLinesOf(payload: unknown, now: number): { t: number; tag: string; text: string; level?: 'error' | 'warn' | 'info' | 'debug' }[];
export function describeBattery(battery: unknown): string;
export class Fleet {
  devices: Map<string, DeviceView>;
  device(id: string): DeviceView;
  apply(topic: string, text: string, now?: number): string | undefined;
}
