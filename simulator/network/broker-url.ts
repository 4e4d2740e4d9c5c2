// Broker URLs as every Mote command takes them (`--broker`): mqtt://[user:password@]host[:port]
// or mqtts://… (TLS). Errors name the bad part and show a good URL.
export interface BrokerAddress {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
}

export function parseBrokerUrl(text: string): BrokerAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`broker URL "${text}" is not a URL; use mqtt://host:1883 or mqtts://host:8883`);
  }
  const secure = url.protocol === 'mqtts:';
  if (!secure && url.protocol !== 'mqtt:') throw new Error(`broker URL "${text}": scheme must be mqtt:// or mqtts://, not ${url.protocol}//`);
  if (!url.hostname) throw new Error(`broker URL "${text}" has no host; use mqtt://host:1883`);
  const port = url.port ? Number(url.port) : secure ? 8883 : 1883;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    secure,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}
