// Board names as each side spells them: the firmware tools use the Moddable/pico-sdk platform name
// (`pico_w`), the simulator and the device tiers the board's (`pico-w`). Either spelling is taken
// everywhere, so a user who types one where the other is expected is not refused.

/** The firmware tools' spelling of a board name (`pico-w` → `pico_w`); other names unchanged. */
export function firmwareBoardName(name: string): string {
  return name === 'pico-w' ? 'pico_w' : name;
}

/** The simulator's and the tiers' spelling (`pico_w` → `pico-w`); other names unchanged. */
export function simulatorBoardName(name: string): string {
  return name === 'pico_w' ? 'pico-w' : name;
}
