// Register access over plain ECMA-419 I2C, for chips with an address pointer (BME280, INA219):
// write the register address without a stop, then read with a repeated start.
import { sensorError, type I2CDevice } from "drivers/common/i2c-sensor";

export class RegisterBus {
  readonly #io: I2CDevice;
  readonly #chip: string;
  readonly #address: number;
  readonly #pointer = new Uint8Array(1);
  readonly #word = new Uint8Array(2);
  readonly #setWord = new Uint8Array(3);

  constructor(io: I2CDevice, chip: string, address: number) {
    this.#io = io;
    this.#chip = chip;
    this.#address = address;
  }

  /** Reads `into.length` bytes from `register` on (auto-increment). */
  read(register: number, into: Uint8Array, what: string): Uint8Array {
    this.#pointer[0] = register;
    try {
      this.#io.write(this.#pointer, false);
      this.#io.read(into);
    } catch (error) {
      throw sensorError(this.#chip, this.#address, `reading ${what} failed`, error);
    }
    return into;
  }

  /** A big-endian 16-bit register. */
  readWord(register: number, what: string): number {
    const word = this.read(register, this.#word, what);
    return (word[0] << 8) | word[1];
  }

  writeWord(register: number, value: number, what: string): void {
    const bytes = this.#setWord;
    bytes[0] = register;
    bytes[1] = (value >> 8) & 0xff;
    bytes[2] = value & 0xff;
    this.write(bytes, what);
  }

  write(bytes: Uint8Array, what: string): void {
    try {
      this.#io.write(bytes);
    } catch (error) {
      throw sensorError(this.#chip, this.#address, `writing ${what} failed`, error);
    }
  }
}
