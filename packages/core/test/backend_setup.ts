// Vitest setup: TSGRAD_BACKEND=<name> runs the whole suite on that kernel backend (default: the library's own default).
import { set_backend } from '@tsgrad/core';

const requested = process.env['TSGRAD_BACKEND'];
if (requested !== undefined && requested !== '') set_backend(requested);
