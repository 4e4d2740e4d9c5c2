// A board with one virtual chip on bus 0, and the start of a `mote sim run` module that uses a
// driver (`attempt` turns an exception into its message, so a test can trace either).
import type { ChipSpec } from '../../../simulator/boards.ts';
import { boardWith } from '../helpers.ts';

export const chipBoard = (chip: string, address: number, extra: Partial<ChipSpec> = {}) => boardWith({ chips: [{ bus: 0, address, chip, ...extra }] });

export const prelude = (driver: string, specifier: string) => `
import ${driver} from "${specifier}";
import Timer from "timer";
const attempt = (f: () => unknown) => { try { return JSON.stringify(f()); } catch (e) { return (e as Error).message; } };
const bus = (address: number) => ({ ...device.I2C.default, io: device.io.I2C, address });
`;

/** Asserts |actual - expected| <= tolerance, naming what was compared. */
export function near(actual: number, expected: number, tolerance: number, what: string): void {
  if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${what}: ${actual} is not within ${tolerance} of ${expected}`);
}
