import { defineProject } from 'vitest/config';

// libsignal prints whole session records (keys included) while it rotates sessions; keep them out of the report.
const LIBSIGNAL =
  /^(Closing session|Opening session|Removing old closed session|Session already|Closing open session|Decrypted message with closed session|Failed to decrypt message|Session error)/;

export default defineProject({
  test: {
    name: 'sim',
    include: ['test/**/*.test.ts'],
    onConsoleLog: (log) => (LIBSIGNAL.test(log) ? false : undefined),
  },
});
