// For a broker the browser cannot reach over WebSocket (plain mqtt:// or mqtts://, as Mosquitto
// listens by default): the console server relays each browser WebSocket byte for byte to a TCP
// or TLS connection to the broker. MQTT over WebSocket is the same packets in binary frames, so
// the relay needs no MQTT knowledge and the broker sees an ordinary client.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Duplex } from 'node:stream';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883 };

/** Opens the TCP/TLS side for one browser connection and pipes both ways; either end closing closes both. */
export function relayToBroker(brokerUrl: URL, browser: Duplex, onError: (message: string) => void): void {
  const port = Number(brokerUrl.port) || DEFAULT_PORTS[brokerUrl.protocol];
  const host = brokerUrl.hostname;
  const broker: Socket = brokerUrl.protocol === 'mqtts:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
  broker.on('error', (error) => {
    onError(`cannot reach the broker at ${brokerUrl.protocol}//${host}:${port} from the console server: ${error.message}`);
    browser.destroy();
  });
  browser.on('error', () => broker.destroy());
  browser.on('close', () => broker.destroy());
  broker.on('close', () => browser.destroy());
  browser.pipe(broker);
  broker.pipe(browser);
}
