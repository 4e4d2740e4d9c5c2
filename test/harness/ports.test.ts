// Servers started on a free port: a start that fails says why at once, and a first start whose
// port another process took meanwhile is retried on another port.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { startOnFreePort, stderrTail, waitForListener } from './ports.ts';

/** A Node TCP server on `port` as a child process; exits 1 printing the error code when it cannot bind. */
function nodeServer(port: number): ChildProcess {
  const source = `require('net').createServer().listen(${port}, '127.0.0.1').on('error', (e) => { console.error('listen: ' + e.code); process.exit(1); });`;
  return spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'ignore', 'pipe'] });
}

describe('servers on a free port (test harness)', () => {
  const started: ChildProcess[] = [];
  const squatters: Server[] = [];
  afterEach(async () => {
    for (const child of started.splice(0)) child.kill('SIGKILL');
    await Promise.all(squatters.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('a start whose port was taken after it was chosen is retried on another port', async () => {
    const tried: number[] = [];
    const { port, child } = await startOnFreePort('test server', (candidate) => {
      tried.push(candidate);
      if (tried.length === 1) {
        // Another process takes the port between freePort() and the server's bind.
        const squatter = createServer().listen(candidate, '127.0.0.1');
        squatters.push(squatter);
        return nodeServer(candidate);
      }
      return nodeServer(candidate);
    });
    started.push(child);
    assert.equal(tried.length, 2, `ports tried: ${tried.join(', ')}`);
    assert.equal(port, tried[1]);
    assert.notEqual(port, tried[0]);
  });

  it('a server that exits before it listens is reported at once, with what it printed', async () => {
    const child = spawn(process.execPath, ['-e', `console.error('bad config line 3'); process.exit(3);`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr = stderrTail(child);
    const begin = Date.now();
    await assert.rejects(waitForListener(child, 9, 'test server', stderr, 60_000), /^ServerExited: test server exited \(code 3\) before it listened on 127\.0\.0\.1:9: bad config line 3$/);
    assert.ok(Date.now() - begin < 30_000, 'not after the wait timed out');
  });
});
