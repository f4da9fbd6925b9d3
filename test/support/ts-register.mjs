// Registers ts-loader.mjs (see there); vitest passes `--import` of this file to its workers.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
