// `node bench/audit-summary.mjs [events]`: what a session summary (GET /api/sessions/:id, a page of
// GET /api/sessions, the webhook) costs at the audit cap: compiles and runs bench/audit-summary.ts.
import { compileBench } from './compile.mjs';

const { main } = await compileBench('audit-summary', 'cobrowse-bench-audit-summary');
await main(Number(process.argv[2] ?? 5000));
