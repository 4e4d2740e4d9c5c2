// An owner's policy file given to the CLI (`mote sim --policy`, `mote firmware image --policy`,
// `mote provision --policy`): read, parsed and validated before anything boots or is written, so a
// malformed policy is named as the policy's fault (file and field), never as a mod's. A device that
// stored a policy anyway refuses installs naming the policy (modules/permissions/policy-store.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validatePolicy, type OwnerPolicy } from '../modules/permissions/policy.ts';
import { systemErrorWords } from './output-path.ts';

const SEE = 'see docs/mod-contract.md, "Owner policy"';

/**
 * The policy in `file` as `{ text, policy }` (the JSON text a device stores, preference mote/policy,
 * and the validated policy). Throws an Error naming `option`, the file, the field and the fix: no
 * such file, not JSON, or a shape the device would refuse (validatePolicy's problems).
 */
export function readPolicyFile(option: string, file: string): { text: string; policy: OwnerPolicy } {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    // Only a missing file is "no such policy file": a folder or an unreadable file says what it is.
    const why = systemErrorWords(error);
    if (why && why !== 'no such file or folder') throw new Error(`${option} ${file}: ${why}; give the path of the policy's JSON file (${SEE})`);
    throw new Error(`${option} ${file}: no such policy file (an owner's policy is a JSON file: { "rules": [{ "allow": {...} }] }; ${SEE})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`${option} ${file}: not valid JSON (${(error as Error).message}); ${SEE}`);
  }
  try {
    return { text: JSON.stringify(json), policy: validatePolicy(json) };
  } catch (error) {
    // validatePolicy says "owner policy rules[0].allow…: expected …", one problem after another.
    const problems = (error as Error).message.replace(/^owner policy:? ?/, '').split('; owner policy ');
    throw new Error(`${option} ${file}: the owner's policy is malformed (the mods are not at fault): ${problems.join('; ')}; fix the file (${SEE})`);
  }
}
