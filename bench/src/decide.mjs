import { decide } from '@wabot/core';
import { buildDecideMix } from './decide-mix.mjs';

/**
 * The bot engine alone: `decide()` over the mix, on this thread (one core), against a loop that
 * touches the same messages and does nothing else. Each is timed for about `seconds`.
 */
export async function benchDecide(report, { seconds }) {
  report.begin('bot engine');
  const { bots, messages } = buildDecideMix();
  const contexts = bots.map((b) => ({ settings: b.settings, intents: b.intents }));

  const reasons = new Map();
  for (const { bot, message, now } of messages) {
    const { reason } = decide(message, contexts[bot], now);
    const kind = reason.startsWith('intent:') ? 'intent' : reason;
    reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
  }

  const empty = timeLoop(seconds / 2, () => {
    let sink = 0;
    for (const { bot, message, now } of messages) sink += bot + message.text.length + (now & 1);
    return sink;
  });
  const engine = timeLoop(seconds, () => {
    let sink = 0;
    for (const { bot, message, now } of messages) sink += decide(message, contexts[bot], now).reply ? 1 : 0;
    return sink;
  });
  const perSecond = (t) => (t.rounds * messages.length) / (t.ms / 1000);

  report.compare({
    key: 'decide_msgs_per_s',
    value: perSecond(engine),
    baselineKey: 'empty_loop_msgs_per_s',
    baseline: perSecond(empty),
    ratioKey: 'decide/empty-loop',
    unit: 'msg/s',
    label: 'decide() 8 bots x 50 intents',
    baselineLabel: 'empty loop',
  });
  const total = messages.length;
  const share = (k) => Math.round(((reasons.get(k) ?? 0) / total) * 100);
  report.note(
    'decide_mix',
    `intent ${share('intent')}%, default message ${share('default_msg')}%, no reply ${100 - share('intent') - share('default_msg')}%`,
    'decision mix',
  );
}

/** Runs `round` until `seconds` pass (after one untimed warm-up round); the sink defeats dead-code removal. */
function timeLoop(seconds, round) {
  let sink = round();
  let rounds = 0;
  const started = performance.now();
  let ms = 0;
  while (ms < seconds * 1000) {
    sink += round();
    rounds++;
    ms = performance.now() - started;
  }
  if (sink === -1) console.log('unreachable');
  return { rounds, ms };
}
