// The page: runs the hook demo and shows its lines; the test reads them from window.tsgrad_lines.
import { hook_demo } from './hook_demo.js';

declare global {
  interface Window {
    tsgrad_lines?: string[];
  }
}

const lines = hook_demo();
document.getElementById('log')!.textContent = lines.join('\n');
window.tsgrad_lines = lines;
