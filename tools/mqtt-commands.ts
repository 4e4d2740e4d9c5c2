// Sending a command to a mod on a device and waiting for its answer (docs/topics.md,
// "Commands"), for the CLI, the console and tests. The command carries an idempotency key; the
// sender publishes it again with the same key when no answer comes in time, and the device runs
// it at most once per key, so retrying is always safe.
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';

export interface CommandOptions {
  /** The idempotency key; a fresh one by default. Reuse a key only to retry the same command. */
  key?: string;
  args?: unknown;
  /** The command is not run if it reaches the device later than this (ms from now). */
  expiresInMs?: number;
  /** How long to wait for an answer before sending again (wall ms, default 5000). */
  timeoutMs?: number;
  /** Sends after the first (default 2). */
  retries?: number;
}

export interface CommandAck {
  key: string;
  status: 'ok' | 'error' | 'duplicate' | 'expired' | 'invalid';
  ts: number;
  error?: string;
  /** How many times the command was published. */
  attempts: number;
}

export function commandTopic(deviceId: string, modId: string, name: string): string {
  return `mote/v1/${deviceId}/cmd/${modId}/${name}`;
}

export async function sendCommand(client: MqttClient, deviceId: string, modId: string, name: string, options: CommandOptions = {}): Promise<CommandAck> {
  const { key = randomUUID(), args = null, timeoutMs = 5000, retries = 2 } = options;
  const topic = commandTopic(deviceId, modId, name);
  const ackTopic = `mote/v1/${deviceId}/cmd-ack/${modId}/${name}`;
  const body = JSON.stringify({ key, args, ...(options.expiresInMs !== undefined ? { expiresAt: Date.now() + options.expiresInMs } : {}) });
  let onMessage: ((topic: string, payload: Buffer) => void) | undefined;
  const answered = new Promise<Omit<CommandAck, 'attempts'>>((resolve) => {
    onMessage = (received, payload) => {
      if (received !== ackTopic) return;
      try {
        const ack = JSON.parse(payload.toString());
        if (ack.key === key) resolve(ack);
      } catch {
        // not an ack of ours
      }
    };
    client.on('message', onMessage);
  });
  await client.subscribeAsync(ackTopic, { qos: 1 });
  try {
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      await client.publishAsync(topic, body, { qos: 1 });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
      const ack = await Promise.race([answered, timeout]);
      clearTimeout(timer);
      if (ack) return { ...ack, attempts: attempt };
    }
    throw new Error(`no answer from ${deviceId} to ${modId}/${name} (key ${key}) after ${retries + 1} tries; if the device is offline the command waits at the broker and runs once when it reconnects`);
  } finally {
    client.off('message', onMessage!);
    await client.unsubscribeAsync(ackTopic).catch(() => {});
  }
}
