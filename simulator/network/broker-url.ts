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

/**
 * A broker cluster's nodes as one `--broker` value: URLs separated by commas, tried in turn by
 * the device (modules/net/broker-list.ts). All use the same scheme and login (a device has one).
 */
export function parseBrokerList(text: string): BrokerAddress[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => !part)) throw new Error(`broker list "${text}" has an empty entry; separate URLs with single commas: mqtt://a:1883,mqtt://b:1883`);
  const addresses = parts.map(parseBrokerUrl);
  const [first] = addresses;
  for (const [index, address] of addresses.entries()) {
    if (address.secure !== first.secure) throw new Error(`broker list "${text}": ${parts[index]} uses another scheme than ${parts[0]}; a device uses one (all mqtt:// or all mqtts://)`);
    if (address.user !== first.user || address.password !== first.password) throw new Error(`broker list "${text}": ${parts[index]} has another login than ${parts[0]}; give the login once (--username/--password) for every node`);
  }
  return addresses;
}
