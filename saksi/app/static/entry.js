// The form: C.Hasil-PPWP laid out like the paper, checked live by the rules, then a
// summary, signed on the device and queued for sending. A form that was already sent
// (here or, per the log, from another device) is flagged before signing; a C.Hasil
// without a photo is signed only after a deliberate tick.
import * as db from "./db.js";
import { hex, now, sha256, signPhoto, signStatement } from "./crypto.js";
import { t, pick } from "./i18n.js";
import { checkReading, fieldLabel, formFields } from "./rules-eval.js";
import { enqueue, flush } from "./outbox.js";
import { sentBefore } from "./sent.js";
import { refused } from "./text.js";
import { h, say } from "./ui.js";

const SPLIT_ROWS = [
  ["pemilih_dpt", "s1.a"],
  ["pengguna_dpt", "s1.b1"],
  ["pengguna_dptb", "s1.b2"],
  ["pengguna_non_dpt", "s1.b3"],
  ["pengguna_total", "s1.b4"],
];
const BALLOTS = [
  "surat_suara_diterima",
  "surat_suara_digunakan",
  "surat_suara_dikembalikan",
  "surat_suara_tidak_digunakan",
];
const TOTALS = [["suara_sah", "s5.a"], ["suara_tidak_sah", "s5.b"], ["suara_total", "s5.c"]];
const DIGITS = /^[0-9]{0,3}$/;
const MAX_PHOTOS = 16;

export const MODES = { kpps: "c-hasil", saksi: "c-salinan", "kpu-kab": "correction",
  "kpu-prov": "correction", "kpu-ri": "correction" };
const PHOTO_EXPECTED = new Set(["c-hasil", "c-salinan"]);

/** The draft being entered (kept in IndexedDB so a reload or a dead battery loses nothing). */
export async function loadDraft(mode) {
  const draft = await db.get("kv", `draft:${mode}`);
  return draft || { mode, tps: "", reason: "", corrects: null, values: {}, photos: [],
    foto: [] };
}

async function saveDraft(draft) {
  await db.put("kv", draft, `draft:${draft.mode}`);
}

function reading(draft, fields) {
  const out = {};
  for (const name of fields) {
    const text = draft.values[name];
    out[name] = text === undefined || text === "" ? null : Number(text);
  }
  return out;
}

function fieldError(name, text) {
  const el = document.getElementById(`err-${name}`);
  if (el) el.textContent = text;
}

function numberInput(name, label, draft, onChange) {
  let good = draft.values[name] ?? "";
  const input = h("input", { id: `f-${name}`, name, type: "text", inputmode: "numeric",
    autocomplete: "off", class: "num", value: good, "aria-label": pick(label),
    "aria-describedby": `err-${name}` });
  const refuse = (event, key) => {
    event.preventDefault();
    fieldError(name, t(key));
  };
  input.addEventListener("beforeinput", (event) => {
    if (event.inputType.startsWith("delete") || event.inputType === "insertFromPaste") return;
    const data = event.data ?? "";
    const next = input.value.slice(0, input.selectionStart) + data +
      input.value.slice(input.selectionEnd);
    if (!DIGITS.test(next)) refuse(event, "input.digits");
  });
  input.addEventListener("paste", (event) => {
    const data = (event.clipboardData && event.clipboardData.getData("text")) || "";
    const next = input.value.slice(0, input.selectionStart) + data.trim() +
      input.value.slice(input.selectionEnd);
    if (!/^[0-9]{1,3}$/.test(data.trim()) || !DIGITS.test(next)) refuse(event, "input.paste");
  });
  input.addEventListener("input", () => {
    if (!DIGITS.test(input.value)) {
      input.value = good; // the last line of defence (autofill, drag and drop, scripts)
      fieldError(name, t("input.digits"));
      return;
    }
    fieldError(name, "");
    good = input.value;
    draft.values[name] = good;
    onChange();
  });
  return h("span", { class: "box" }, input, h("span", { id: `err-${name}`, class: "field-error",
    role: "alert" }));
}

function splitRow(base, key, draft, onChange) {
  const cells = ["l", "p", "j"].map((s) => {
    const name = `${base}_${s}`;
    return h("label", { class: "cell" }, h("span", { class: "split" }, s.toUpperCase()),
      numberInput(name, fieldLabel(name), draft, onChange));
  });
  return [h("div", { class: "row", id: `row-${base}` }, h("span", { class: "what" }, t(key)),
    h("div", { class: "cells" }, cells)), h("ul", { class: "msgs", id: `msgs-${base}` })];
}

function singleRow(name, text, draft, onChange) {
  return [h("div", { class: "row", id: `row-${name}` },
    h("label", { class: "what", for: `f-${name}` }, text),
    h("div", { class: "cells" }, numberInput(name, fieldLabel(name), draft, onChange))),
  h("ul", { class: "msgs", id: `msgs-${name}` })];
}

function rowOf(name) {
  const base = name.replace(/_[lpj]$/, "");
  return document.getElementById(`msgs-${base}`) ? base : name;
}

/** Show the broken rules next to their fields; returns the violations. */
function showRules(draft, pairs) {
  const fields = formFields(pairs);
  const read = reading(draft, fields);
  const broken = checkReading(read, pairs);
  for (const ul of document.querySelectorAll("ul.msgs")) ul.replaceChildren();
  for (const input of document.querySelectorAll("input.num")) {
    input.removeAttribute("aria-invalid");
    input.classList.remove("bad", "warn");
  }
  for (const v of broken) {
    const last = fields.filter((f) => v.fields.includes(f)).pop();
    const ul = document.getElementById(`msgs-${rowOf(last)}`);
    const kind = v.severity === "impossible" ? "bad" : "warn";
    ul.append(h("li", { class: kind, "data-rule": v.rule },
      h("strong", {}, `${t(`rules.${v.severity}`)}: `), pick(v.message), " ",
      h("code", {}, v.rule)));
    for (const f of v.fields) {
      const input = document.getElementById(`f-${f}`);
      if (!input) continue;
      input.classList.add(kind);
      if (kind === "bad") input.setAttribute("aria-invalid", "true");
    }
  }
  const empty = fields.filter((f) => read[f] === null).length;
  const summary = document.getElementById("rules-summary");
  summary.replaceChildren(
    broken.length ? h("span", { class: "badge bad" }, t("rules.broken", { n: broken.length }))
      : h("span", { class: "badge ok" }, t("rules.ok")),
    empty ? h("span", { class: "badge" }, t("form.incomplete", { n: empty })) : "");
  document.getElementById("review").disabled = empty > 0;
  return { broken, read, empty };
}

async function addPhotos(files, draft, list) {
  for (const file of files) {
    if (draft.photos.length >= MAX_PHOTOS) break;
    const data = new Uint8Array(await file.arrayBuffer());
    const sha = hex(await sha256(data));
    if (!draft.photos.includes(sha)) {
      await db.put("photos", { sha256: sha, data, type: file.type, uploaded: false });
      draft.photos.push(sha);
    }
  }
  await saveDraft(draft);
  renderPhotos(draft, list);
}

async function renderPhotos(draft, list) {
  const items = [];
  for (const sha of draft.photos) {
    const photo = await db.get("photos", sha);
    const src = photo ? URL.createObjectURL(new Blob([photo.data], { type: photo.type })) : null;
    items.push(h("li", {}, src ? h("img", { src, alt: `${t("photos")} ${items.length + 1}` })
      : "", h("code", { class: "hash" }, sha)));
  }
  for (const old of list.querySelectorAll("img")) URL.revokeObjectURL(old.src);
  list.replaceChildren(...items);
}

/** The words for an earlier statement (see sent.js), or null when there is none. */
function sentWords(mode, prior) {
  if (!prior) return null;
  if (prior.stale !== undefined) return [t("form.stale", { index: prior.stale }), ""];
  const head = prior.waiting ? t("form.sent-waiting") : t("form.sent", { index: prior.index });
  return [head, t(`form.sent-${mode}`)];
}

/** Show (or clear) the notice of an earlier statement in ``box``; the earlier one. */
async function showSent(box, state, draft) {
  const prior = await sentBefore(draft.mode, draft.tps, state.publicKey, draft.corrects);
  const words = sentWords(draft.mode, prior);
  box.replaceChildren(...(words ? [h("strong", {}, words[0]), " ", words[1], " ",
    h("a", { href: "#/outbox" }, t("nav.outbox"))] : []));
  box.hidden = !words;
  return prior;
}

function header(state, draft, pairs, refresh, sentBox) {
  const mode = draft.mode;
  const parts = [];
  if (mode === "c-hasil") {
    draft.tps = state.registration.scope;
    parts.push(h("p", {}, `${t("reg.scope")}: `, h("strong", { id: "tps" }, draft.tps),
      ` ${state.registration.scope_name || ""}`));
    return parts;
  }
  const tps = h("input", { id: "tps-input", inputmode: "numeric", value: draft.tps,
    autocomplete: "off", pattern: "[0-9]{13}" });
  tps.addEventListener("input", () => {
    const code = tps.value.replace(/[^0-9]/g, "").slice(0, 13);
    if (code !== draft.tps) draft.corrects = null; // a loaded form is another TPS's
    const changed = code !== draft.tps;
    draft.tps = code;
    tps.value = code;
    saveDraft(draft);
    if (changed) showSent(sentBox, state, draft);
  });
  parts.push(h("label", { class: "field" }, t("form.tps"), tps));
  if (mode === "correction") {
    const note = h("p", { id: "load-note", role: "status" });
    parts.push(h("button", { type: "button", id: "load-form",
      onclick: () => loadCurrent(draft, pairs, note, refresh) }, t("form.load")), note);
    const reason = h("input", { id: "reason", maxlength: 1000, autocomplete: "off" });
    reason.value = draft.reason;
    reason.addEventListener("input", () => { draft.reason = reason.value; saveDraft(draft); });
    parts.push(h("label", { class: "field" }, t("form.reason"), reason));
  }
  return parts;
}

async function loadCurrent(draft, pairs, note, refresh) {
  const answer = await fetch(`/v1/tps/${draft.tps}/ppwp`, { cache: "no-store" });
  const body = await answer.json();
  if (!answer.ok || !body.current) {
    note.textContent = answer.ok ? t("form.no-form") : pick(body.error.message);
    return;
  }
  const current = body.current;
  draft.corrects = { index: current.index, leaf_hash: current.leaf_hash };
  draft.foto = current.form.foto;
  for (const name of formFields(pairs)) {
    const pair = name.startsWith("suara_paslon_") ? name.slice(13) : null;
    draft.values[name] = String(pair ? current.form.suara_paslon[pair] : current.form[name]);
  }
  await saveDraft(draft);
  await refresh();
  document.getElementById("load-note").textContent = t("form.loaded", { index: current.index });
}

/** Render the form into ``main``. */
export async function renderForm(main, state, go) {
  if (!state.registration || !MODES[state.registration.role]) {
    main.replaceChildren(h("h1", {}, t("nav.form")), h("p", {}, t("form.need-key")));
    return;
  }
  const mode = MODES[state.registration.role];
  const draft = await loadDraft(mode);
  const pairs = state.config.pairs.map((p) => p.number);
  const refresh = () => renderForm(main, state, go);
  const sentBox = h("div", { id: "sent-before", class: "notice warn", role: "status",
    hidden: true });
  const top = header(state, draft, pairs, refresh, sentBox);
  const prior = await showSent(sentBox, state, draft);
  if (mode === "c-hasil" && prior) { // one C.Hasil per TPS: no blank second form
    main.replaceChildren(h("h1", {}, t(`form.title.${mode}`)), ...top, sentBox);
    return;
  }
  const onChange = () => { saveDraft(draft); showRules(draft, pairs); };
  const photoList = h("ul", { id: "photo-list", class: "photos" });
  const camera = h("input", { type: "file", id: "camera", accept: "image/*",
    capture: "environment", multiple: true });
  camera.addEventListener("change", () => addPhotos([...camera.files], draft, photoList));
  const rows = (list) => list.flat();
  main.replaceChildren(
    h("h1", {}, t(`form.title.${mode}`)),
    ...top,
    sentBox,
    h("div", { id: "rules-summary", class: "sticky", "aria-live": "polite" }),
    h("section", { id: "s1" }, h("h2", {}, t("s1")),
      rows(SPLIT_ROWS.map(([base, key]) => splitRow(base, key, draft, onChange)))),
    h("section", { id: "s2" }, h("h2", {}, t("s2")),
      rows(BALLOTS.map((n, i) => singleRow(n, `${i + 1}. ${pick(fieldLabel(n))}`, draft,
        onChange)))),
    h("section", { id: "s3" }, h("h2", {}, t("s3")),
      splitRow("pemilih_disabilitas", "s3.row", draft, onChange)),
    h("section", { id: "s4" }, h("h2", {}, t("s4")),
      rows(state.config.pairs.map((p) => singleRow(`suara_paslon_${p.number}`,
        `${p.number}. ${p.president} – ${p.vice_president}`, draft, onChange)))),
    h("section", { id: "s5" }, h("h2", {}, t("s5")),
      rows(TOTALS.map(([n, key]) => singleRow(n, t(key), draft, onChange)))),
    h("section", { id: "photos" }, h("h2", {}, t("photos")), h("p", { class: "meta" },
      t("photos.hint")), h("label", { class: "button", for: "camera" }, t("photos.add")),
    camera, photoList),
    h("p", {}, h("button", { type: "button", id: "review", class: "big",
      onclick: () => go("#/confirm") }, t("form.review"))),
  );
  renderPhotos(draft, photoList);
  showRules(draft, pairs);
}

function formOf(draft, pairs) {
  const form = { suara_paslon: {} };
  for (const name of formFields(pairs)) {
    const value = Number(draft.values[name]);
    if (name.startsWith("suara_paslon_")) form.suara_paslon[name.slice(13)] = value;
    else form[name] = value;
  }
  form.foto = draft.mode === "correction" ? [...draft.foto] : [...draft.photos];
  return form;
}

function statementOf(state, draft, pairs) {
  const stmt = { type: draft.mode, election: state.config.origin, at: now(), tps: draft.tps,
    contest: "ppwp", form: formOf(draft, pairs) };
  if (draft.mode === "c-salinan") stmt.party = state.registration.party;
  if (draft.mode === "correction") {
    stmt.corrects = draft.corrects;
    stmt.reason = draft.reason.trim();
    stmt.evidence = [...draft.photos];
  }
  return stmt;
}

/** What keeps the statement from being signed, besides broken rules (i18n keys). */
function missingParts(draft, read, reg) {
  const out = [];
  const at = now();
  if (reg.revoked) out.push("form.key-revoked");
  if ((reg.not_before && at < reg.not_before) || (reg.not_after && at > reg.not_after)) {
    out.push("form.key-not-valid");
  }
  if (Object.values(read).some((v) => v === null)) out.push("form.need-boxes");
  if (!/^[0-9]{13}$/.test(draft.tps)) out.push("form.need-tps");
  else if (reg.scope !== "0" && !draft.tps.startsWith(reg.scope)) out.push("form.out-of-scope");
  if (draft.mode === "correction" && !draft.corrects) out.push("form.need-load");
  if (draft.mode === "correction" && !draft.reason.trim()) out.push("form.need-reason");
  else if (draft.mode === "correction" && refused(draft.reason.trim())) {
    out.push("form.reason-unsafe");
  }
  return out;
}

/** Each photo's upload headers, signed now with the statement (saksi/photo/v1). */
async function photoHeaders(draft, state) {
  const out = {};
  for (const sha of draft.photos) out[sha] = await signPhoto(sha, state.config.origin, state.pair);
  return out;
}

async function signAndQueue(state, draft, pairs, go) {
  const signed = await signStatement(statementOf(state, draft, pairs), state.pair);
  const added = await enqueue(signed, { kind: draft.mode, label: draft.tps, tps: draft.tps,
    corrects: draft.corrects, photos: draft.photos,
    photoHeaders: await photoHeaders(draft, state) });
  await db.del("kv", `draft:${draft.mode}`);
  say(t(added ? "confirm.signed" : "confirm.already"));
  go("#/outbox");
  flush(true);
}

/** A tick box that must be ticked before signing, with its words. */
function tick(id, text, cls) {
  const box = h("input", { type: "checkbox", id });
  return [box, h("label", { class: cls }, box, " ", text)];
}

/** The summary to confirm, then sign and queue. */
export async function renderConfirm(main, state, go) {
  const mode = MODES[state.registration && state.registration.role];
  if (!mode) return go("#/form");
  const draft = await loadDraft(mode);
  const pairs = state.config.pairs.map((p) => p.number);
  const fields = formFields(pairs);
  const read = reading(draft, fields);
  const broken = checkReading(read, pairs);
  const impossible = broken.some((v) => v.severity === "impossible");
  const missing = missingParts(draft, read, state.registration).map((key) => t(key));
  const prior = sentWords(mode,
    await sentBefore(mode, draft.tps, state.publicKey, draft.corrects));
  if (prior) missing.push(prior.join(" "));
  const noPhoto = PHOTO_EXPECTED.has(mode) && draft.photos.length === 0;
  const [agree, agreeLabel] = tick("as-written", t("confirm.as-written"), "agree");
  const [bare, bareLabel] = tick("no-photo", t("confirm.no-photo-ok"), "agree");
  const sign = h("button", { type: "button", id: "sign", class: "big" }, t("confirm.sign"));
  const allow = () => {
    sign.disabled = missing.length > 0 || (impossible && !agree.checked) ||
      (noPhoto && !bare.checked);
  };
  agree.addEventListener("change", allow);
  bare.addEventListener("change", allow);
  allow();
  sign.addEventListener("click", async () => {
    sign.disabled = true;
    await signAndQueue(state, draft, pairs, go);
  });
  main.replaceChildren(
    h("h1", {}, t("confirm.title")),
    h("p", {}, `${t(`form.title.${mode}`)}: TPS `, h("strong", {}, draft.tps)),
    h("table", { id: "summary" }, h("tbody", {}, fields.map((f) =>
      h("tr", { class: broken.some((v) => v.fields.includes(f)) ? "bad" : "" },
        h("th", {}, pick(fieldLabel(f))), h("td", { class: "num" }, read[f])))),
    ),
    h("ul", { id: "confirm-rules", class: "msgs" }, broken.map((v) =>
      h("li", { class: v.severity === "impossible" ? "bad" : "warn" }, pick(v.message)))),
    h("p", {}, `${t("photos")}: ${draft.photos.length}`),
    noPhoto ? h("div", { id: "no-photo-warning", class: "notice warn", role: "alert" },
      h("strong", {}, t("confirm.no-photo")), bareLabel) : "",
    missing.length ? h("ul", { id: "missing", class: "msgs" },
      missing.map((text) => h("li", { class: "bad" }, text))) : "",
    impossible ? agreeLabel : "",
    h("p", { class: "actions" }, h("button", { type: "button", class: "secondary",
      onclick: () => go("#/form") }, t("confirm.back")), sign),
  );
  return undefined;
}
