/** Series colours of every chart (a plain module, so server components can pick colours too). */
export const PALETTE = [
  '#2f6fde',
  '#e0762f',
  '#2c9a5a',
  '#c2418b',
  '#7a5bd6',
  '#1f9fb0',
  '#b59a1a',
  '#d64545',
  '#5d6b7e',
];
