// Peak resident memory of one tsgrad training workload, alone in a fresh process (bench/peak_rss.ts spawns it):
// `node bench/dist/rss_child.js <key> <steps>` prints {"baseline_kb", "peak_kb"} (getrusage's high-water mark
// before the model is built, and after `steps` train steps). Imports no TF.js, whose load would count.
import { MODEL_FULL, model_workloads } from './model_workloads.js';

const [key, steps] = [process.argv[2] ?? '', Number(process.argv[3] ?? 5)];
const w = model_workloads(MODEL_FULL).find((x) => x.key === key);
if (w === undefined) throw new Error(`no model workload '${key}'; there are: ${model_workloads(MODEL_FULL).map((x) => x.key).join(', ')}`);
const baseline_kb = process.resourceUsage().maxRSS;
const side = w.tsgrad();
for (let i = 0; i < steps; i++) side.run();
process.stdout.write(JSON.stringify({ baseline_kb, peak_kb: process.resourceUsage().maxRSS }));
