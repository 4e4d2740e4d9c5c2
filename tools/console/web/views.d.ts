// Types of views.js (the console's rendering, plain JS for the browser) for the Node tests that reuse it.
import type { DeviceView, ModView } from './fleet.js';

export function describeGrants(grants: unknown): string;
/** The action buttons of a mod's row (release, roll back, remove), as HTML. */
export function modActions(device: DeviceView, id: string, mod: Partial<ModView> | undefined): string;
