// Runs inside the simulator's XS machine (`mote sim run` style). Each step runs in its own timer
// crank, 10 virtual ms apart, so Node reads the engine's meter for exactly that step:
//   step 1: baseline, BASELINE_COUNT bare Compartments each importing a one-line module (Node
//           divides by the count: one alone is within the meter's noise);
//   step 2…: install and start one installed mod with the real runtime.
import Timer from "timer";
import modStore from "platform/mod-store";
import { createRuntime } from "main";

export const BASELINE_COUNT = 20;
// Keeps what each step built alive while the heap is measured. XS drops a module's environment
// once nothing references it, so it hangs off the compartment's global object.
const kept: unknown[] = [];
(globalThis as Record<string, unknown>).moteBenchKept = kept;
const runtime = createRuntime();
const mods = modStore.list();

const steps: (() => void)[] = [
  () => {
    for (let i = 0; i < BASELINE_COUNT; i++) {
      const compartment = new Compartment({ modules: { one: { source: new ModuleSource("export default 1;") } } });
      kept.push(compartment, compartment.importNow("one"));
    }
  },
  ...mods.map((mod) => () => {
    const { id } = runtime.install(mod);
    runtime.start(id);
  }),
];
steps.forEach((step, index) => Timer.set(step, (index + 1) * 10));
kept.push(runtime);
