// The form's arithmetic rules, evaluated in the browser from the generated table
// (rules.js, made from saksi/election/rule_catalog.py). This mirrors
// saksi/election/rules.py's check_reading: same rules, same order, same fields, same
// messages; tests/app/test_rules_js.py compares both on many forms.
import TABLE from "./rules.js";

export const RULESET = TABLE.ruleset;

/** Every box of the form in paper order, for the election's pairs. */
export function formFields(pairs) {
  const out = [];
  for (const name of TABLE.fields) {
    if (name.includes("{pair}")) {
      for (const pair of pairs) out.push(name.replace("{pair}", pair));
    } else {
      out.push(name);
    }
  }
  return out;
}

/** ``suara_paslon_*`` -> one box per pair, ``*`` -> every box (rule_catalog.expand). */
export function expand(names, pairs) {
  const out = [];
  for (const name of names) {
    if (name === "*") out.push(...formFields(pairs));
    else if (name === TABLE.pair_field) out.push(...pairs.map((p) => `suara_paslon_${p}`));
    else out.push(name);
  }
  return out;
}

/** The bilingual label of one box: {id, en}. */
export function fieldLabel(name) {
  if (Object.hasOwn(TABLE.labels, name)) return TABLE.labels[name];
  if (name.startsWith("suara_paslon_")) {
    const pair = name.slice("suara_paslon_".length);
    return { id: TABLE.pair_label.id.replace("{pair}", pair),
             en: TABLE.pair_label.en.replace("{pair}", pair) };
  }
  return { id: name, en: name };
}

function values(reading, names) {
  const out = [];
  for (const name of names) {
    const value = reading[name];
    if (value === null || value === undefined) return null;
    out.push(value);
  }
  return out;
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/** "238" for one value, "186+44+9=239" for several. */
export function expression(xs) {
  return xs.length === 1 ? String(xs[0]) : `${xs.join("+")}=${sum(xs)}`;
}

function both(text) {
  return { id: text, en: text };
}

function sideParams(rule, side, names, xs) {
  let label = side === "lhs" ? rule.lhs_label : rule.rhs_label;
  if (label === null) label = names.length === 1 ? fieldLabel(names[0]) : both(names.join("+"));
  return { [`${side}_label`]: label, [side]: both(expression(xs)) };
}

function reserveExpected(base, percent) {
  return base + Math.floor((base * percent + 99) / 100);
}

const TESTS = {
  "sum-eq": (rule, left, right) => left === right,
  "sum-le": (rule, left, right) => left <= right,
  "sum-ge": (rule, left, right) => left >= right,
  "sum-le-percent": (rule, left, right) => 100 * left <= rule.constants.percent * right,
  reserve: (rule, left, right) =>
    Math.abs(left - reserveExpected(right, rule.constants.percent)) <= rule.constants.tolerance,
};

function sumParams(rule, lhs, left, rhs, right) {
  const params = { ...sideParams(rule, "lhs", lhs, left), ...sideParams(rule, "rhs", rhs, right) };
  const percent = rule.constants.percent;
  if (percent !== undefined) {
    params.percent = both(String(percent));
    if (rule.kind === "sum-le-percent") {
      const hundredths = sum(right) * percent;
      const whole = Math.floor(hundredths / 100);
      const frac = String(hundredths % 100).padStart(2, "0");
      params.limit = { id: `${whole},${frac}`, en: `${whole}.${frac}` };
    } else {
      const expected = reserveExpected(sum(right), percent);
      params.expected = both(String(expected));
      params.diff = both(String(Math.abs(sum(left) - expected)));
      params.tolerance = both(String(rule.constants.tolerance));
    }
  }
  return params;
}

function template(rule) {
  return rule.message;
}

function format(text, params, lang) {
  return text.replace(/\{(\w+)\}/g, (whole, key) =>
    Object.hasOwn(params, key) ? params[key][lang] : whole);
}

function violation(rule, fields, params) {
  const message = template(rule);
  return {
    rule: rule.code,
    version: rule.version,
    severity: rule.severity,
    fields: [...new Set(fields)],
    message: { id: format(message.id, params, "id"), en: format(message.en, params, "en") },
  };
}

function checkEach(rule, reading, lhs, rhs, out) {
  const right = values(reading, rhs);
  if (right === null) return;
  const limit = sum(right);
  const low = rule.constants.min ?? 0;
  const high = rule.constants.max ?? 0;
  for (const name of lhs) {
    const value = reading[name];
    if (value === null || value === undefined) continue;
    let params;
    if (rule.kind === "range") {
      if (low <= value && value <= high) continue;
      params = { min: both(String(low)), max: both(String(high)) };
    } else if (value <= limit) {
      continue;
    } else {
      params = sideParams(rule, "rhs", rhs, right);
    }
    params.value = both(String(value));
    params.field_label = fieldLabel(name);
    out.push(violation(rule, [name, ...rhs], params));
  }
}

/**
 * Every rule ``reading`` breaks, in the table's order, as Violation.to_dict() gives
 * them: {rule, version, severity, fields, message: {id, en}}. ``reading`` maps a box
 * to its number, or null where it is not (yet) given: such rules are skipped.
 */
export function checkReading(reading, pairs) {
  const out = [];
  for (const rule of TABLE.rules) {
    const lhs = expand(rule.lhs, pairs);
    const rhs = expand(rule.rhs, pairs);
    if (rule.kind === "range" || rule.kind === "each-le") {
      checkEach(rule, reading, lhs, rhs, out);
      continue;
    }
    const left = values(reading, lhs);
    const right = values(reading, rhs);
    if (left === null || right === null) continue;
    if (TESTS[rule.kind](rule, sum(left), sum(right))) continue;
    out.push(violation(rule, [...lhs, ...rhs], sumParams(rule, lhs, left, rhs, right)));
  }
  return out;
}

/** The reading of a wire form (CHasilPPWP JSON): flat boxes, pair votes as suara_paslon_NN. */
export function readingOf(form) {
  const out = {};
  for (const [name, value] of Object.entries(form)) {
    if (name === "suara_paslon" || name === "foto") continue;
    out[name] = value;
  }
  for (const pair of Object.keys(form.suara_paslon).sort()) {
    out[`suara_paslon_${pair}`] = form.suara_paslon[pair];
  }
  return out;
}

/** The rule's "why" text, for a help line. */
export function why(code) {
  const rule = TABLE.rules.find((r) => r.code === code);
  return rule ? rule.why : null;
}
