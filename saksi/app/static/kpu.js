// KPU mode: register a device's public key (a `key` statement), signed on this device.
// Corrections are entered in the form view (the form in force, loaded and edited).
import { now, signStatement } from "./crypto.js";
import { t } from "./i18n.js";
import { enqueue, flush } from "./outbox.js";
import { refused } from "./text.js";
import { h, say } from "./ui.js";

const MAY_REGISTER = {
  "kpu-ri": ["kpu-prov", "kpu-kab", "ppk", "kpps"],
  "kpu-prov": ["kpu-kab", "ppk", "kpps"],
  "kpu-kab": ["ppk", "kpps"],
};
const KEY = /^[A-Za-z0-9+/]{43}=$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DAY_MS = 86400000;

function defaults(reg) {
  const from = now();
  const until = new Date(Date.now() + 30 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
  return [from, reg.not_after && reg.not_after < until ? reg.not_after : until];
}

function field(key, input) {
  return h("label", { class: "field" }, t(key), input);
}

export function renderKpu(main, state, go) {
  const reg = state.registration;
  main.replaceChildren(h("h1", {}, t("kpu.title")));
  if (!reg || !MAY_REGISTER[reg.role]) {
    main.append(h("p", {}, t("kpu.not-kpu")));
    return;
  }
  const [from, until] = defaults(reg);
  const key = h("input", { id: "reg-key", autocomplete: "off", spellcheck: "false" });
  const role = h("select", { id: "reg-role" },
    MAY_REGISTER[reg.role].map((r) => h("option", { value: r }, `${t(`role.${r}`)} (${r})`)));
  role.value = "kpps";
  const scope = h("input", { id: "reg-scope", inputmode: "numeric", value: reg.scope });
  const label = h("input", { id: "reg-label", maxlength: 100 });
  const notBefore = h("input", { id: "reg-from", value: from });
  const notAfter = h("input", { id: "reg-until", value: until });
  const note = h("p", { id: "reg-error", role: "alert" });
  const sign = h("button", { type: "button", id: "sign-registration", class: "big" },
    t("kpu.sign"));
  sign.addEventListener("click", async () => {
    const text = key.value.trim();
    if (!KEY.test(text)) return void (note.textContent = t("kpu.bad-key"));
    if (!TIME.test(notBefore.value) || !TIME.test(notAfter.value)) {
      return void (note.textContent = "YYYY-MM-DDTHH:MM:SSZ");
    }
    const stmt = { type: "key", election: state.config.origin, at: now(), key: text,
      role: role.value, scope: scope.value.trim(), not_before: notBefore.value,
      not_after: notAfter.value };
    if (label.value.trim()) stmt.label = label.value.trim();
    if (stmt.label && refused(stmt.label)) return void (note.textContent = t("kpu.bad-label"));
    const signed = await signStatement(stmt, state.pair);
    const added = await enqueue(signed, { kind: "key", label: `${role.value} ${stmt.scope}` });
    say(t(added ? "confirm.signed" : "confirm.already"));
    go("#/outbox");
    flush(true);
    return undefined;
  });
  main.append(field("kpu.key", key), field("kpu.role", role), field("kpu.scope", scope),
    field("kpu.label", label), field("kpu.from", notBefore), field("kpu.until", notAfter),
    note, sign,
    h("h2", {}, t("kpu.correct")),
    h("p", {}, h("a", { href: "#/form", id: "to-correction" }, t("form.title.correction"))));
}
