// Structured JSON logs, one line per event on stdout (CloudWatch Logs parses them as JSON).
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level = 'info', write = (line) => process.stdout.write(line + '\n')) {
  const threshold = LEVELS[level];
  const emit = (lvl) => (msg, fields = {}) => {
    if (LEVELS[lvl] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
