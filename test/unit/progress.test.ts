// The CLI's progress bar: redrawn in place on a terminal, a line per tenth into a file.
import assert from 'node:assert/strict';
import { formatBytes, ProgressBar } from '../../tools/progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (text: string) => chunks.push(text) } };
}

describe('progress bar', () => {
  it('redraws one line in place on a terminal and ends with the message', () => {
    const { chunks, stream } = sink(true);
    const bar = new ProgressBar({ label: 'install blink@1.1.0', total: 4096, format: formatBytes, stream });
    bar.update(1024, 'chunk 1/4');
    bar.update(4096, 'verifying');
    bar.finish('installed and confirmed');
    bar.finish('twice is harmless');
    assert.equal(chunks[0], '\rinstall blink@1.1.0 [######------------------]  25%  1.0 KB/4.0 KB  chunk 1/4\x1b[K');
    assert.equal(chunks[1], '\rinstall blink@1.1.0 [########################] 100%  4.0 KB/4.0 KB  verifying\x1b[K');
    assert.equal(chunks[2], '\r\x1b[Kinstall blink@1.1.0: installed and confirmed\n');
    assert.equal(chunks.length, 3);
  });

  it('writes a line per tenth into a pipe, never one per update', () => {
    const { chunks, stream } = sink(false);
    const bar = new ProgressBar({ label: 'build', total: 1000, stream });
    for (let done = 0; done <= 1000; done += 5) bar.update(done);
    bar.finish('done');
    assert.equal(chunks.length, 12);
    assert.equal(chunks[10], 'build [########################] 100%  1000/1000\n');
    assert.equal(chunks[11], 'build: done\n');
  });

  it('without a total shows the count', () => {
    const { chunks, stream } = sink(true);
    new ProgressBar({ label: 'download', format: formatBytes, stream }).update(3 * 1024 * 1024);
    assert.equal(chunks[0], '\rdownload  3.00 MB\x1b[K');
  });
});
