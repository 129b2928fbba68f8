// Purpose: remove dist/ before `npm run build`, so that a module deleted from src/ (or an old
// source map) cannot linger in the build and ship in the package. No inputs.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
