// Purpose: copy non-TypeScript assets (SQL migrations, Redis Lua scripts) into dist/ after tsc.
// Run by `npm run build`; no inputs beyond the source tree.
import { cpSync, mkdirSync } from 'node:fs';

for (const dir of ['store/sqlite/migrations', 'store/postgres/migrations', 'store/redis/scripts']) {
  mkdirSync(`dist/${dir}`, { recursive: true });
  cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}
