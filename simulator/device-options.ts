// What a simulated device is made with (SimulatedDevice's constructor options) and the log lines it keeps.
import type { BoardSpec } from './boards.ts';
import type { ModBuild } from './mod-build.ts';

export interface LogLine { time: number; tag: string; text: string }

export interface DeviceOptions {
  board: BoardSpec;
  mods?: ModBuild[];
  /** Folder for flash, preferences and retained memory; a fresh temporary one by default. */
  deviceDir?: string;
  /** Run as fast as the CPU allows instead of in step with the wall clock. */
  warp?: boolean;
  /** Where log lines go as they happen (they are also kept in `logLines`). */
  onLog?: (line: LogLine) => void;
  /** Power-on clears retained memory; a reset or wake keeps it. */
  powerOn?: boolean;
  /** Fault injection: cut the power at this flash write/erase (1-based): the write is torn, the XS machine dies. */
  cutPowerAtFlashOp?: number;
  /** Battery for the power report's life estimate (mAh; default 2×AA alkaline, 2,500 mAh). */
  batteryMah?: number;
  /** UTC ms that virtual time 0 stands for (the RTC's time of day); default 2024-01-01T00:00Z. */
  epochAtBoot?: number;
  /**
   * Boot each wake from deep sleep from the preloaded image (a snapshot, forked) rather than
   * cold (bootstrap and host modules loaded again): default true; false for comparison.
   */
  bootImage?: boolean;
}
