// Bosch BME280 compensation (datasheet BST-BME280-DS002, §8.1, double precision), and its
// inverse: the chip model needs the raw ADC values that compensate back to the physical value.
// The trimming values are those of the BMP280 datasheet's worked example (BST-BMP280-DS001
// §3.12, the same T and P formulas) and typical BME280 humidity trimming.

export interface Bme280Trimming {
  T1: number; T2: number; T3: number;
  P1: number; P2: number; P3: number; P4: number; P5: number; P6: number; P7: number; P8: number; P9: number;
  H1: number; H2: number; H3: number; H4: number; H5: number; H6: number;
}

export const TRIMMING: Readonly<Bme280Trimming> = Object.freeze({
  T1: 27504, T2: 26435, T3: -1000,
  P1: 36477, P2: -10685, P3: 3024, P4: 2855, P5: 140, P6: -7, P7: 15500, P8: -14600, P9: 6000,
  H1: 75, H2: 362, H3: 0, H4: 313, H5: 50, H6: 30,
});

export function fineTemperature(adcT: number, t: Bme280Trimming = TRIMMING): number {
  const var1 = (adcT / 16384 - t.T1 / 1024) * t.T2;
  const var2 = (adcT / 131072 - t.T1 / 8192) ** 2 * t.T3;
  return var1 + var2;
}

export function pressurePa(adcP: number, tFine: number, t: Bme280Trimming = TRIMMING): number {
  let var1 = tFine / 2 - 64000;
  let var2 = (var1 * var1 * t.P6) / 32768;
  var2 += var1 * t.P5 * 2;
  var2 = var2 / 4 + t.P4 * 65536;
  var1 = ((t.P3 * var1 * var1) / 524288 + t.P2 * var1) / 524288;
  var1 = (1 + var1 / 32768) * t.P1;
  if (var1 === 0) return 0;
  let p = 1048576 - adcP;
  p = ((p - var2 / 4096) * 6250) / var1;
  var1 = (t.P9 * p * p) / 2147483648;
  var2 = (p * t.P8) / 32768;
  return p + (var1 + var2 + t.P7) / 16;
}

export function humidityPercent(adcH: number, tFine: number, t: Bme280Trimming = TRIMMING): number {
  let h = tFine - 76800;
  h = (adcH - (t.H4 * 64 + (t.H5 / 16384) * h)) * ((t.H2 / 65536) * (1 + (t.H6 / 67108864) * h * (1 + (t.H3 / 67108864) * h)));
  h *= 1 - (t.H1 * h) / 524288;
  return Math.min(100, Math.max(0, h));
}

/** The ADC value in [0, 2^bits) whose compensated value is closest to `target` (monotonic f). */
function invert(f: (adc: number) => number, target: number, bits: number): number {
  let low = 0;
  let high = 2 ** bits - 1;
  const rising = f(high) > f(low);
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if (f(mid) < target === rising) low = mid;
    else high = mid;
  }
  return Math.abs(f(low) - target) <= Math.abs(f(high) - target) ? low : high;
}

/** Raw 20-bit temperature and pressure and 16-bit humidity for the physical values. */
export function rawFor(celsius: number, pascals: number, percent: number, t: Bme280Trimming = TRIMMING) {
  const adcT = invert((adc) => fineTemperature(adc, t) / 5120, celsius, 20);
  const tFine = fineTemperature(adcT, t);
  return {
    adcT,
    adcP: invert((adc) => pressurePa(adc, tFine, t), pascals, 20),
    adcH: invert((adc) => humidityPercent(adc, tFine, t), percent, 16),
  };
}

/** The trimming registers as the chip holds them: 0x88-0xA1 (26 bytes) and 0xE1-0xE7 (7 bytes). */
export function trimmingRegisters(t: Bme280Trimming = TRIMMING): { low: Uint8Array; high: Uint8Array } {
  const low = new DataView(new ArrayBuffer(26));
  [t.T1, t.T2, t.T3, t.P1, t.P2, t.P3, t.P4, t.P5, t.P6, t.P7, t.P8, t.P9].forEach((value, index) => low.setUint16(index * 2, value & 0xffff, true));
  low.setUint8(25, t.H1);
  const high = new Uint8Array(7);
  high[0] = t.H2 & 0xff;
  high[1] = (t.H2 >> 8) & 0xff;
  high[2] = t.H3;
  high[3] = (t.H4 >> 4) & 0xff; // dig_H4 [11:4] at 0xE4, [3:0] in 0xE5 bits 3:0
  high[4] = (t.H4 & 0x0f) | ((t.H5 & 0x0f) << 4); // dig_H5 [3:0] in 0xE5 bits 7:4, [11:4] at 0xE6
  high[5] = (t.H5 >> 4) & 0xff;
  high[6] = t.H6 & 0xff;
  return { low: new Uint8Array(low.buffer), high };
}
