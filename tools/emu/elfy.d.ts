// Types for the parts of `elfy` (npm, an ELF parser) the harness uses.
declare module 'elfy' {
  export interface ElfSection {
    name: string;
    type: string | number;
    flags: Record<string, boolean>;
    addr: number;
    size: number;
    link: number;
    entsize: number;
    data: Buffer;
  }
  export interface Elf {
    body: { sections: ElfSection[] };
  }
  const elfy: { parse(buffer: Buffer): Elf };
  export default elfy;
}
