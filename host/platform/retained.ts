// `platform/retained` on a board: RTC slow memory on ESP32, a no-init RAM block on the Pico W
// (host/native), kept through deep sleep and resets, lost at power-on.
import * as native from "native/sleep";

export default Object.freeze({
  read(): ArrayBuffer | undefined {
    return native.retainedRead();
  },
  write(buffer: ArrayBuffer): void {
    native.retainedWrite(buffer);
  },
});
