// What the runtime reports about its mods: shared by the device (status queries) and the tools
// (the `mote sim` report), so it imports nothing.

export type ModState = "installed" | "running" | "stopped" | "crashed";

export interface ModStatus {
  id: string;
  version: string;
  state: ModState;
  starts: number;
  errors: number;
  denials: number;
  lastError?: string;
}

/** A mod the runtime refused to install, and why. */
export interface RejectedMod {
  where: string;
  error: string;
}

export interface RuntimeStatus {
  mods: ModStatus[];
  rejected: RejectedMod[];
}
