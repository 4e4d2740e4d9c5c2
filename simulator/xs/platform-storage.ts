// `platform/storage` in the simulator: mod storage lives in the simulated `preference` store, as on
// an ESP32 (host/platform/storage.ts; the Pico uses its "storage" flash partition instead).
import Preference from 'preference';

export default Preference;
