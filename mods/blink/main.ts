// Blinks the LED on pin 2 every 500 ms; the button on pin 0 (to ground, with the pull-up)
// toggles between slow and fast blinking on each press.
import Timer, { type MoteTimer } from "mote/timer";

const LED_PIN = 2;
const BUTTON_PIN = 0;
const SLOW_MS = 500;
const FAST_MS = 125;

let led: InstanceType<typeof device.io.Digital> | undefined;
let button: InstanceType<typeof device.io.Digital> | undefined;
let timer: MoteTimer | undefined;
let level: 0 | 1 = 0;
let interval = SLOW_MS;

function toggle(): void {
  level = level ? 0 : 1;
  led?.write(level);
}

function onPress(): void {
  interval = interval === SLOW_MS ? FAST_MS : SLOW_MS;
  if (timer) Timer.schedule(timer, interval, interval);
  trace(`button: blinking every ${interval} ms\n`);
}

export default {
  onStart(): void {
    led = new device.io.Digital({ pin: LED_PIN, mode: device.io.Digital.Output });
    button = new device.io.Digital({
      pin: BUTTON_PIN,
      mode: device.io.Digital.InputPullUp,
      edge: device.io.Digital.Falling,
      onReadable: onPress,
    });
    timer = Timer.repeat(toggle, interval);
    trace(`blinking pin ${LED_PIN} every ${interval} ms\n`);
  },
  onStop(): void {
    led?.write(0);
  },
};
