// An Aedes broker of a test's own making (its hooks decide what to refuse or hold), served on a
// free 127.0.0.1 port; `close()` drops every client and stops the listener and the broker.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Aedes } from 'aedes';

export async function serveAedes(aedes: Aedes): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  };
  return { url, close };
}
