// `platform/retained` on a board: RTC slow memory on ESP32, a no-init RAM block on the Pico W
// (host/native), kept through deep sleep and resets, lost at power-on.
// Named imports, not `import * as`: a namespace binding is a mutable closure the preload copies into RAM.
import { retainedRead, retainedWrite } from "native/sleep";

export default Object.freeze({
  read(): ArrayBuffer | undefined {
    return retainedRead();
  },
  write(buffer: ArrayBuffer): void {
    retainedWrite(buffer);
  },
});
