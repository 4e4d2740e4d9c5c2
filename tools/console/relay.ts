// For a broker the browser cannot reach over WebSocket (plain mqtt:// or mqtts://, as Mosquitto
// listens by default): the console server relays each browser WebSocket byte for byte to a TCP
// or TLS connection to the broker. MQTT over WebSocket is the same packets in binary frames, so
// the relay needs no MQTT knowledge and the broker sees an ordinary client.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Duplex } from 'node:stream';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883 };

/**
 * Opens the TCP/TLS side for one browser connection and pipes both ways; either end closing closes
 * both. `onOutcome` hears how the broker answered: `''` once the TCP/TLS connection stands, else
 * the message naming the broker and the socket error (e.g. `connect ECONNREFUSED 127.0.0.1:1883`).
 * A new attempt says nothing until it has an outcome, so the last one stays readable meanwhile.
 */
export function relayToBroker(brokerUrl: URL, browser: Duplex, onOutcome: (error: string) => void): void {
  const port = Number(brokerUrl.port) || DEFAULT_PORTS[brokerUrl.protocol];
  const host = brokerUrl.hostname;
  const broker: Socket = brokerUrl.protocol === 'mqtts:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
  broker.once(brokerUrl.protocol === 'mqtts:' ? 'secureConnect' : 'connect', () => onOutcome(''));
  broker.on('error', (error) => {
    onOutcome(`cannot reach the broker at ${brokerUrl.protocol}//${host}:${port} from the console server: ${error.message}`);
    browser.destroy();
  });
  browser.on('error', () => broker.destroy());
  browser.on('close', () => broker.destroy());
  broker.on('close', () => browser.destroy());
  browser.pipe(broker);
  broker.pipe(browser);
}
