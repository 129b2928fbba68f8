// Purpose: copy non-TypeScript assets (SQL migrations and statements, Redis Lua scripts, the dashboard's browser files) into dist/ after tsc.
// Run by `npm run build`; no inputs beyond the source tree.
import { cpSync, mkdirSync } from 'node:fs';

for (const dir of ['store/sqlite/migrations', 'store/sqlite/sql', 'store/postgres/migrations', 'store/postgres/sql', 'store/redis/scripts', 'dashboard/public']) {
  mkdirSync(`dist/${dir}`, { recursive: true });
  cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}
