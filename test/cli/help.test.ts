// What a new user reads: README's command list is `mote --help`'s, word for word; an error is
// followed by a one-line hint, not the whole help; every doc is linked once; the Node version the
// README asks for is one every installed dependency accepts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { synopsis, usageOf } from '../../tools/cli.ts';

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mote help, README and the first error', function () {
  this.timeout(60000);

  it("README's command list is the synopsis of `mote --help`", () => {
    const block = /## The `mote` command\n\n```\n([\s\S]*?)\n```/.exec(README)?.[1];
    assert.ok(block, 'README has a "The `mote` command" section with a code block');
    assert.equal(block, synopsis());
  });

  it('a usage error prints one line of hint, and `mote help COMMAND` that command alone', () => {
    const wrong = mote('install', 'mods/blink');
    assert.equal(wrong.status, 2);
    assert.equal(wrong.stderr, 'mote: mote install needs --device ID\n(`mote help install` shows its options)\n');
    const unknown = mote('instal');
    assert.equal(unknown.stderr, 'mote: unknown command "instal"; did you mean `mote install`?\n(`mote --help` lists the commands)\n');
    const help = mote('help', 'remove');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^ {2}mote remove MOD --device ID/);
    assert.doesNotMatch(help.stdout, /mote sim/);
    assert.equal(usageOf('remove'), help.stdout.replace(/\n$/, ''));
    // `--help` after a command is the same page, for every command (sim, firmware image, emu…).
    for (const [command, ...rest] of [['sim'], ['firmware', 'image'], ['emu'], ['remove', 'x']]) {
      const asked = mote(command, ...rest, '--help');
      assert.equal(asked.status, 0, `mote ${command} --help: ${asked.stderr}`);
      assert.equal(asked.stdout, `${usageOf(command)}\n`);
    }
  });

  it('README links each doc once, and every doc in docs/', () => {
    const links = [...README.matchAll(/\]\((docs\/[\w-]+\.md)\)/g)].map((match) => match[1]);
    const listed = README.slice(README.indexOf('## Docs')).match(/\(docs\/[\w-]+\.md\)/g) ?? [];
    assert.equal(new Set(listed).size, listed.length, `a doc is listed twice under ## Docs: ${listed.join(', ')}`);
    for (const doc of readdirSync(join(PROJECT_ROOT, 'docs')).filter((name) => name.endsWith('.md'))) {
      assert.ok(links.includes(`docs/${doc}`), `README does not link docs/${doc}`);
    }
  });

  it('the commands README and getting-started write no file into the repository root', () => {
    const guide = readFileSync(join(PROJECT_ROOT, 'docs/getting-started.md'), 'utf8');
    const commands = [README, guide].flatMap((text) => text.split('\n').filter((line) => /^(npx )?mote |`npx mote /.test(line.trim())));
    const outputs = commands.flatMap((line) => [...line.matchAll(/--(?:out|report) (\S+?)`?$|--(?:out|report) (\S+?)[`\s]/g)].map((m) => m[1] ?? m[2]));
    assert.ok(outputs.length >= 2, `found ${outputs.join(', ')}`);
    for (const path of outputs) assert.match(path, /^(\/tmp\/|\.mote\/|[A-Z]+(\.|$)|FILE|DIR)/, `a documented command writes ${path} into the repository root`);
  });

  it("the Node version README asks for satisfies every installed dependency's engines", () => {
    // package.json's engines say what runs (Node 20.19+, with npm warnings at install); README
    // asks for the version every dependency accepts.
    const asked = /Needs Node\.js (\d+\.\d+) or a later (\d+)\.x/.exec(README);
    assert.ok(asked, 'README names the Node version it needs');
    const wanted = `^${asked[1]}.0`; // the "later 22.x" of README
    const running = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).engines.node as string;
    assert.ok(semver.subset(wanted, running), `package.json engines "${running}" include README's ${wanted}`);
    const tooNarrow: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        if (entry.startsWith('.')) continue;
        const folder = join(dir, entry);
        if (entry.startsWith('@')) { walk(folder); continue; }
        const manifest = join(folder, 'package.json');
        if (!existsSync(manifest)) continue;
        const { name, engines } = JSON.parse(readFileSync(manifest, 'utf8'));
        if (typeof engines?.node === 'string' && !semver.subset(wanted, engines.node)) tooNarrow.push(`${name} wants node ${engines.node}`);
        if (existsSync(join(folder, 'node_modules'))) walk(join(folder, 'node_modules'));
      }
    };
    walk(join(PROJECT_ROOT, 'node_modules'));
    assert.deepEqual(tooNarrow, [], `README's Node ${wanted} includes versions these dependencies refuse`);
  });
});
