// The one client of OpenAI-compatible chat-completions endpoints (chat.ts) and the generation of
// one planned text through it (generate.ts).
export * from './chat.ts';
export * from './generate.ts';
