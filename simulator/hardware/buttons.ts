// The board file's buttons: each pressed (pin driven low) on a schedule in virtual time, held for
// `holdFor` ms, then released to the pin's pull, again every `pressEvery` ms.
import type { BoardSpec } from '../boards.ts';
import type { VirtualClock } from '../clock.ts';
import type { PinBank } from './pins.ts';

export function scheduleButtons(buttons: BoardSpec['buttons'], clock: VirtualClock, pins: PinBank): void {
  for (const button of buttons) {
    const press = (time: number) => {
      clock.schedule(time, () => pins.drive(button.pin, 0));
      clock.schedule(time + button.holdFor, () => {
        pins.drive(button.pin, undefined);
        press(time + button.pressEvery);
      });
    };
    press(button.firstAt ?? button.pressEvery);
  }
}
