// `node bench/conversation-sessions.mjs [events] [sessions]`: what the sessions of one conversation cost at the
// audit cap (GET /api/conversations/:id/sessions and the demo desk's list): compiles and runs bench/conversation-sessions.ts.
import { compileBench } from './compile.mjs';

const { main } = await compileBench('conversation-sessions', 'cobrowse-bench-conversation-sessions');
await main(Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 4));
