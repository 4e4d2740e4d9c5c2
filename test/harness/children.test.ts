// The harness ends the child processes a test started once the test is over, so one that failed
// mid-wait leaves nothing running into the next tests.
import assert from 'node:assert/strict';
import { runningChildren, spawnChild } from './children.ts';

describe('child processes a test starts', () => {
  let left: ReturnType<typeof spawnChild> | undefined;

  it('a test may end with its child still running', async () => {
    left = spawnChild(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await new Promise((resolve) => left!.once('spawn', resolve));
    assert.equal(runningChildren(), 1);
    assert.equal(left.exitCode, null);
  });

  it('the next test finds that child ended (killed) and nothing tracked', () => {
    assert.equal(left?.signalCode, 'SIGKILL');
    assert.equal(runningChildren(), 0);
  });
});
