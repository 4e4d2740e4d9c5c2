// `mote <command>`: the operator's and mod author's tool.
import { closest, distance } from 'fastest-levenshtein';
import { describeFileError, messageOfThrown } from './output-path.ts';

const USAGE = `mote: Mote's command-line tool

  mote sim [--board esp32|pico-w|pico] [--board-file FILE] [--mod DIR]... [--duration 10m] [--warp]
           [--report FILE.json] [--device-dir DIR] [--battery MAH] [--policy POLICY.json] [--quiet]
           [--broker mqtt://[user:pass@]host:port[,mqtt://host2:port…] | mqtts://…] [--device-id ID]
           [--username U] [--password P] [--broker-ca CA.pem]
      Boot one simulated device with the given mods, type-checked and built from source, run it
      for the virtual duration (or until Ctrl-C) and write a JSON report (docs/simulator.md).
      Its MQTT session connects to --broker (a cluster's nodes separated by commas, tried in turn:
      docs/brokers.md), or to an embedded broker started on a free port (docs/topics.md).
      --policy stores the owner's policy on the device before it boots
      (docs/mod-contract.md, "Owner policy"). Exits 1 when a mod was refused, crashed or was
      quarantined, or the host went down.

  mote sim run FILE.(js|ts) [--board esp32|pico-w|pico] [--board-file FILE] [--duration 1m] [--warp]
      Run one module on the simulator's XS machine with the full device provider, trace and the
      timer module. Exits non-zero on an uncaught exception.

  mote new NAME [--dir PARENT]
      Scaffold a mod in mods/NAME (or PARENT/NAME): manifest.json with the "mote" section, a typed
      main.ts and a test in test/NAME.test.ts that runs it in the simulator.

  mote test MODDIR...
      Run those mods' own tests (MODDIR/test/*.test.ts) in the simulator.

  mote start [--port 8080] [--home .mote] [--verbose] [--history FILE|postgres://…|off] [--retention KIND=AGE,…]
      What \`npm start\` runs: the embedded broker, four simulated devices (resumed from the
      home folder) and the console at http://127.0.0.1:PORT/, until Ctrl-C. It records the fleet's
      history in HOME/history.db (SQLite), or the PostgreSQL database of --history postgres://…;
      --retention telemetry=30d,states=90d,audit=1y,ota=1y,jobs=1y are the defaults.

  mote devices [--broker URL] [--json]
      The devices that report to the broker: online / asleep / offline, board, battery, mods.

  mote logs DEVICE [--broker URL] [--telemetry]
      Follow a device's log (and its telemetry) until Ctrl-C.

  mote console [--broker URL] [--port 8080] [--host 127.0.0.1] [--history FILE|postgres://…|off] [--retention …]
      The fleet console in the browser, live from the broker (ws:// and wss:// brokers directly;
      mqtt:// and mqtts:// through the console's WebSocket relay). It records the history as
      mote start does (the running npm start's, when it is that start's broker) and shows the
      last hour, day or week from it.

  mote export --device ID [--since 1d] [--format csv|parquet] [--mod MOD] [--out FILE] [--history DB]
      A device's readings from the history: CSV to stdout (or --out), Parquet to --out (ID.parquet).

  mote keygen --out DIR
      Create an Ed25519 signing key: DIR/mote.key (private) and DIR/mote.pub (give it to devices).

  mote build MODDIR --out FILE.mote [--key KEYFILE] [--device ID] [--xsa FILE.xsa] [--board BOARD]
      Build a mod folder into a package (docs/package-format.md), signed when --key is given,
      bound to one device with --device. --board esp32|pico|pico-w warns when the mod cannot run
      on that board's tier (docs/topics.md, Device tiers).

  mote sign FILE.mote --key KEYFILE [--out FILE]
      Sign (or re-sign) a package.

  mote verify FILE.mote --trust PUBFILE... [--device ID] [--max-bytes N]
      Check a package as a device would: exit 0 only if it is intact and signed by a trusted key.

  mote install PACKAGE|MODDIR --device ID [--key KEYFILE] [--force] [--health 10s] [--no-delta]
               [--timeout 2m] [--unseen] [--broker URL]
      Install over the air (docs/ota.md): a retained offer the device finds awake or at its next
      wake; a delta when the installed version was sent from here. A mod folder is type-checked,
      built and signed with --key, or with the development key of a running \`npm start\`. The
      device must have reported to the broker (--unseen offers to one that has not yet). Exit 0
      confirmed, 1 refused or rolled back (the reason is printed), 3 offered but not finished in time.

  mote remove MOD --device ID [--key KEYFILE] [--timeout 1m] [--unseen] [--broker URL]
  mote rollback MOD --device ID [--key KEYFILE] [--timeout 1m] [--unseen] [--broker URL]
  mote release MOD --device ID [--key KEYFILE] [--timeout 1m] [--unseen] [--broker URL]
      Remove a mod installed over the air, go back to its previous version, or release a
      quarantined mod so it starts again.

  mote offers [--device ID] [--clear] [--broker URL]
      List the retained offers waiting for devices; --clear withdraws them.

  mote rollout PACKAGE|MODDIR --devices SELECTOR [--phases 1,10,50,100] [--max-failures 0%]
               [--key KEYFILE] [--broker URL]
      Install on growing shares of the devices (ids, "sensor-*" or all); halt when a phase's
      failures pass --max-failures.

  mote config set DEVICE MOD key=value... [--wait 2m] [--broker URL]
  mote config get DEVICE MOD [--json] [--broker URL]
      A mod's remote configuration on a device (docs/topics.md, Configuration). set checks the
      values against the schema the device reported for the mod (its manifest's mote.config) and
      refuses a bad one with the schema's reason, sending nothing; else it sends them retained as
      the next version (a sleeping device applies it at its next radio session). --wait waits
      for the device's report: exit 0 applied, 1 refused, 3 not reported in time.

  mote flags set NAME --mod MOD --key KEY --on VALUE --off VALUE (--percent N | --cohort SELECTOR)
                 [--devices SELECTOR] [--broker URL]
  mote flags ab NAME --a PACKAGE|MODDIR --b PACKAGE|MODDIR (--percent N | --cohort SELECTOR)
                [--devices SELECTOR] [--signing-key KEYFILE] [--timeout 2m] [--broker URL]
  mote flags apply NAME [--a PACKAGE|MODDIR --b PACKAGE|MODDIR] [--broker URL]
  mote flags show [NAME] [--json] [--broker URL]
  mote flags delete NAME [--broker URL]
      Feature flags (docs/topics.md, Feature flags): a config key set to --on on a cohort of the
      devices running MOD and to --off on the others, or an A/B split installing version B on the
      cohort and A elsewhere. A device is in --percent N by a hash of the flag name and its id
      (the same devices every time). show prints each cohort's outcome: devices, in effect,
      online, asleep, mod errors, quarantined. apply again covers devices that came since.

  mote firmware build --board pico|pico_w|esp32 [--out DIR] [--verbose]
      Build the host firmware (manifest.json) with the Moddable SDK's mcconfig into DIR (default
      build/firmware/BOARD) and print where the .uf2/.elf went and its text/data/bss. Needs
      MODDABLE (and PICO_SDK_DIR for the Picos); esp32 needs ESP-IDF (docs/building-the-host.md).

  mote emu IMAGE [--board-file FILE] [--duration 10s] [--report FILE.json] [--elf FILE]
                 [--no-warp] [--cut-at-write N] [--quiet]
      Run a Pico firmware image (.uf2 or raw) on an emulated RP2040 (rp2040js with the RP2040
      boot ROM of MOTE_RP2040_BOOTROM): its console as output, the board file's chips on I2C, its
      buttons on GPIO, pins recorded; idle waits skipped unless --no-warp. Exits 1 when the
      firmware aborts, panics, faults or exits. --cut-at-write cuts the power at the Nth flash
      program/erase.

  mote firmware image --board pico|pico_w [--firmware DIR|FILE.uf2] --mod DIR|FILE.mote...
                      --device-id ID [--key KEYFILE] [--trust PUBFILE...] [--broker URL]
                      [--policy POLICY.json] [--archive] --out FILE
      The flash a factory writes (docs/building-the-host.md): the firmware, signed mod packages in
      their slots and provisioned preferences (device id, trusted keys, broker, owner policy), as FILE.uf2 and
      FILE.bin. Mod folders are built and signed with --key; the keys in --trust (default: --key's)
      must have signed every package. --archive precompiles the mod folders with mcrun into the
      archive the firmware maps from flash (their code then takes no RAM). Refuses, writing nothing,
      an unsigned or untrusted package, an unknown board, or firmware and packages that do not fit the flash.

  mote provision --id ID --broker URL[,URL...] (--trust PUBFILE... | --key KEYFILE) [--registry FILE]
                 [--replace] [--mosquitto DIR] (--device-dir DIR | --image FILE --board pico|pico_w
                 [--firmware DIR|FILE.uf2] [--mod DIR|FILE.mote...] [--policy POLICY.json])
  mote provision --operator NAME [--registry FILE] [--mosquitto DIR]
      Give a device its unique id, its own broker login, the broker(s), a claim code and the keys
      it trusts (docs/identity.md), in a simulated device's folder or a factory image; the login
      goes into the fleet's identity registry (hashes only; default .mote/identity/registry.json).
      --operator NAME makes a login for the CLI and console. --mosquitto DIR writes the passwords
      and ACL files Mosquitto's identity plugin reads. Writes nothing on bad input.

  mote rotate ID... [--trust NEWPUB... --key KEYFILE] [--watch] [--timeout 2m] [--registry FILE]
              [--mosquitto DIR] [--broker URL]
      Replace devices' broker passwords (and trusted keys, signed with a key they trust now)
      over MQTT, without re-flashing. The old password works until the device acks, so a sleeping
      device takes it at its next wake (--watch confirms later acks). Exit 0 applied, 1 refused,
      3 not yet acked.

  mote claim CODE [--fleet NAME] [--registry FILE] [--broker URL]
      Bind the device announcing this claim code (shown in the console with its QR code) to a fleet.

  mote alerts [--clear ID] [--json] [--broker URL]
      Identity alerts: ids a second device (a clone) tried to use while online; exit 1 when any.

  mote broker [--port 1883] [--host 127.0.0.1] [--registry FILE]
      The embedded MQTT broker with the identity registry until Ctrl-C: every login checked, one
      live session per device id (a clone is refused and alerted), rotations confirmed on ack.

  Without --broker, commands use the broker of a running \`npm start\` (.mote/stack.json, or
  $MOTE_HOME/stack.json for \`mote start --home DIR\` with MOTE_HOME=DIR), else
  mqtt://127.0.0.1:1883.
`;

export class UsageError extends Error {}

/** The command nearest to a mistyped one ("instal" → "install"), when it is near enough. */
function closestCommand(typed: string): string | undefined {
  const commands = [...new Set([...USAGE.matchAll(/^ {2}mote (\w+)/gm)].map((match) => match[1]))];
  const best = closest(typed, commands);
  return distance(typed, best) <= Math.max(1, Math.floor(typed.length / 3)) ? best : undefined;
}

/** The synopsis lines of `mote --help` (what README's command list shows, word for word). */
export function synopsis(): string {
  return USAGE.split('\n').filter((line) => /^ {2}mote /.test(line) || /^ {8,}\S/.test(line)).map((line) => line.slice(2)).join('\n');
}

/** The help paragraphs of one command (`mote help install`), or undefined for an unknown one. */
export function usageOf(command: string): string | undefined {
  const blocks = USAGE.split('\n\n').filter((block) => block.startsWith(`  mote ${command} `) || block.startsWith(`  mote ${command}\n`) || block.split('\n').some((line) => line.startsWith(`  mote ${command} `)));
  return blocks.length ? blocks.join('\n\n') : undefined;
}

// Each command's module is loaded when it runs, not all at every start: the CLI is spawned many
// times by scripts and tests, and loading every command (the history stores, the emulator…) cost
// about half a second of CPU on each.
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    // `mote sim --help` (or -h anywhere after a command) is `mote help sim`, for every command.
    const usage = command === undefined ? undefined : usageOf(command);
    if (usage && (rest.includes('--help') || rest.includes('-h'))) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (command === 'firmware' && rest[0] === 'image') return await (await import('./firmware/image-command.ts')).firmwareImageCommand(rest.slice(1));
    if (command === 'firmware') return await (await import('./firmware/command.ts')).firmwareCommand(rest);
    if (command === 'emu') return await (await import('./emu/command.ts')).emuCommand(rest);
    if (command === 'sim' && rest[0] === 'run') return await (await import('./commands/sim.ts')).simRunCommand(rest.slice(1));
    if (command === 'sim') return await (await import('./commands/sim.ts')).simCommand(rest);
    if (command === 'new') return await (await import('./commands/new.ts')).newCommand(rest);
    if (command === 'test') return await (await import('./commands/test.ts')).testCommand(rest);
    if (command === 'start') return await (await import('./commands/start.ts')).startCommand(rest);
    if (command === 'devices') return await (await import('./commands/fleet.ts')).devicesCommand(rest);
    if (command === 'logs') return await (await import('./commands/fleet.ts')).logsCommand(rest);
    if (command === 'console') return await (await import('./commands/console.ts')).consoleCommand(rest);
    if (command === 'export') return await (await import('./commands/export.ts')).exportCommand(rest);
    if (command === 'keygen') return await (await import('./commands/package.ts')).keygenCommand(rest);
    if (command === 'build') return await (await import('./commands/package.ts')).buildCommand(rest);
    if (command === 'sign') return await (await import('./commands/package.ts')).signCommand(rest);
    if (command === 'verify') return await (await import('./commands/package.ts')).verifyCommand(rest);
    if (command === 'install') return await (await import('./commands/ota.ts')).installCommand(rest);
    if (command === 'remove') return await (await import('./commands/ota.ts')).removeCommand(rest);
    if (command === 'rollback') return await (await import('./commands/ota.ts')).rollbackCommand(rest);
    if (command === 'rollout') return await (await import('./commands/ota.ts')).rolloutCommand(rest);
    if (command === 'release') return await (await import('./commands/ota.ts')).releaseCommand(rest);
    if (command === 'offers') return await (await import('./commands/offers.ts')).offersCommand(rest);
    if (command === 'provision') return await (await import('./commands/provision.ts')).provisionCommand(rest);
    if (command === 'rotate') return await (await import('./commands/provision.ts')).rotateCommand(rest);
    if (command === 'claim') return await (await import('./commands/claim.ts')).claimCommand(rest);
    if (command === 'alerts') return await (await import('./commands/claim.ts')).alertsCommand(rest);
    if (command === 'broker') return await (await import('./commands/broker.ts')).brokerCommand(rest);
    if (command === 'config') return await (await import('./commands/config.ts')).configCommand(rest);
    if (command === 'flags') return await (await import('./commands/flags.ts')).flagsCommand(rest);
    if (command === 'help' && rest[0] !== undefined) {
      const usage = usageOf(rest[0]);
      if (!usage) throw new UsageError(`no command "${rest[0]}"`);
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    }
    const guess = closestCommand(command);
    throw new UsageError(`unknown command "${command}"${guess ? `; did you mean \`mote ${guess}\`?` : ''}`);
  } catch (error) {
    if (error instanceof UsageError || String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      // One line of help, not the whole page: the command's own usage is one `mote help` away.
      const known = command !== undefined && usageOf(command) !== undefined;
      process.stderr.write(`mote: ${(error as Error).message}\n${known ? `(\`mote help ${command}\` shows its options)` : '(`mote --help` lists the commands)'}\n`);
      return 2;
    }
    // A file error no command checked names the path and what is wrong, not Node's "ENOENT: …, open '…'".
    process.stderr.write(`mote: ${describeFileError(error) ?? messageOfThrown(error)}\n`);
    return 1;
  }
}
