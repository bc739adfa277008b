/**
 * Collects figures into flat keys and prints them as one table. A speed figure is always shown next
 * to the baseline it is divided by, so a reader compares like with like measured in the same run.
 */
export class Report {
  /** @type {Record<string, number | string | null>} */
  results = {};
  /** @type {Array<{ section: string, label: string, value: string, baseline: string, ratio: string }>} */
  rows = [];
  section = '';

  begin(section) {
    this.section = section;
  }

  /** A plain figure, e.g. `mb_per_instance`. */
  set(key, value, unit = '', label = key) {
    this.results[key] = round(value);
    this.rows.push({ section: this.section, label, value: fmt(value, unit), baseline: '', ratio: '' });
  }

  /**
   * A speed next to its baseline: records `key` (ours), `baselineKey` and the ratio under `ratioKey`
   * (ours / baseline; above 1 means faster than the baseline for throughputs).
   */
  compare({ key, value, baselineKey, baseline, ratioKey, unit, label, baselineLabel }) {
    const ratio = value != null && baseline ? value / baseline : null;
    this.results[key] = round(value);
    this.results[baselineKey] = round(baseline);
    this.results[ratioKey] = ratio == null ? null : Number(ratio.toPrecision(3));
    this.rows.push({
      section: this.section,
      label: `${label ?? key}`,
      value: fmt(value, unit),
      baseline: `${fmt(baseline, unit)} ${baselineLabel ?? baselineKey}`,
      ratio: ratio == null ? 'n/a' : `${ratioKey} = ${fmtRatio(ratio)}`,
    });
  }

  /** A descriptive value (text), shown after the figures of its section. */
  note(key, text, label = key) {
    this.results[key] = text;
    this.rows.push({ section: this.section, label, value: '', baseline: '', ratio: text });
  }

  /** A figure that could not be measured: `null`, and `<key>_reason` beside it. */
  missing(key, reason) {
    this.results[key] = null;
    this.results[`${key}_reason`] = reason;
    this.rows.push({ section: this.section, label: key, value: 'null', baseline: '', ratio: `(${reason})` });
  }

  /** A section that failed as a whole marks each of its keys as missing with the error. */
  failed(keys, error) {
    const reason = `failed: ${error instanceof Error ? error.message : String(error)}`;
    for (const key of keys)
      if (!(key in this.results) || this.results[key] == null) this.missing(key, reason);
  }

  print(out = process.stdout) {
    const widths = { label: 5, value: 5, baseline: 8 };
    for (const r of this.rows) {
      widths.label = Math.max(widths.label, r.label.length);
      widths.value = Math.max(widths.value, r.value.length);
      widths.baseline = Math.max(widths.baseline, r.baseline.length);
    }
    const line = (a, b, c, d) =>
      `${a.padEnd(widths.label)}  ${b.padStart(widths.value)}  ${c.padEnd(widths.baseline)}  ${d}`.trimEnd();
    let section = '';
    out.write(`\n${line('figure', 'value', 'baseline', 'ratio')}\n`);
    for (const r of this.rows) {
      if (r.section !== section) {
        section = r.section;
        out.write(`\n[${section}]\n`);
      }
      out.write(`${line(r.label, r.value, r.baseline, r.ratio)}\n`);
    }
    out.write('\n');
  }
}

function round(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value ?? null;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(4));
}

function fmt(value, unit) {
  if (value == null) return 'null';
  if (typeof value !== 'number') return String(value);
  const n = Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(round(value));
  return unit ? `${n} ${unit}` : n;
}

function fmtRatio(ratio) {
  return ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2);
}
