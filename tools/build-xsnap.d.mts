// Types for tools/build-xsnap.mjs (plain JS: it runs at npm install, before tsx is usable).
export interface SdkEnginePaths {
  /** The build folder (node_modules/.cache/mote-xsnap/xs-<version>-<digest>). */
  dir: string;
  /** The XS version the SDK's xsCommon.h declares, e.g. "17.7.0". */
  xsVersion: string;
  /** The xsnap-worker binary. */
  worker: string;
  /** The compiled XS objects (the fork server links against them). */
  objects: string;
  /** The patched worker sources. */
  sources: string;
  /** The SDK's xs folder (real path). */
  xs: string;
}
export function sdkXsVersion(moddable: string): string;
export function sdkEnginePaths(moddable: string): SdkEnginePaths;
export function buildSdkEngine(moddable: string, options?: { log?: (line: string) => void }): SdkEnginePaths;
