// Saksi's entry app: boot, navigation, the device key, the outbox and receipts.
// Everything is built from text nodes (ui.h); nothing is loaded from another origin.
import * as db from "./db.js";
import { canonicalize, makeKey, openBackup, publicKeyOf } from "./crypto.js";
import { getLang, pick, setLang, t } from "./i18n.js";
import { renderConfirm, renderForm } from "./entry.js";
import { renderKpu } from "./kpu.js";
import { flush, onChange, prove } from "./outbox.js";
import { download, h, keyPath, qr, say, viewed } from "./ui.js";

const state = { config: null, pair: null, publicKey: null, backup: null, registration: null };
const ROUTES = {
  "#/key": renderKey,
  "#/form": (main) => renderForm(main, state, go),
  "#/confirm": (main) => renderConfirm(main, state, go),
  "#/outbox": renderOutbox,
  "#/kpu": (main) => renderKpu(main, state, go),
};
const POLL_MS = 3000;

function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

async function render() {
  const main = document.getElementById("main");
  const hash = ROUTES[location.hash] ? location.hash : state.pair ? "#/form" : "#/key";
  viewed(hash);
  for (const a of document.querySelectorAll("nav a")) {
    if (a.getAttribute("href") === hash) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  await ROUTES[hash](main);
}

function chrome() {
  document.title = t("app.title");
  document.getElementById("lang").textContent = t("lang.switch");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  const net = document.getElementById("net");
  net.textContent = t(navigator.onLine ? "net.online" : "net.offline");
  net.className = `badge ${navigator.onLine ? "ok" : "warn"}`;
}

// --- config (from the service; kept for offline use) ---

async function loadConfig() {
  try {
    const answer = await fetch("/app/config.json", { cache: "no-store" });
    if (answer.ok) {
      state.config = await answer.json();
      await db.put("kv", state.config, "config");
      return;
    }
  } catch {
    // offline: the copy kept last time
  }
  state.config = await db.get("kv", "config");
}

// --- the key ---

async function loadKey() {
  const stored = await db.get("kv", "key");
  if (!stored) return;
  state.pair = stored.pair;
  state.backup = stored.backup;
  state.publicKey = await publicKeyOf(stored.pair);
  state.registration = (await db.get("kv", "registration")) || null;
}

async function saveKey(pair, backup) {
  await db.put("kv", { pair, backup }, "key");
  await db.del("kv", "registration");
  await loadKey();
}

async function checkRegistration() {
  if (!state.publicKey || !navigator.onLine) return;
  let answer;
  try {
    answer = await fetch(`/v1/keys/${keyPath(state.publicKey)}`, { cache: "no-store" });
  } catch {
    return;
  }
  if (answer.status === 200) {
    state.registration = await answer.json();
    await db.put("kv", state.registration, "registration");
  } else if (answer.status === 404) {
    state.registration = null;
    await db.del("kv", "registration");
  }
}

function passphraseFields() {
  const one = h("input", { type: "password", id: "pass1", autocomplete: "new-password" });
  const two = h("input", { type: "password", id: "pass2", autocomplete: "new-password" });
  return [one, two, [h("label", { class: "field" }, t("key.passphrase"), one),
    h("label", { class: "field" }, t("key.passphrase2"), two)]];
}

function enrolForm(main) {
  const [one, two, fields] = passphraseFields();
  const note = h("p", { id: "key-error", role: "alert" });
  const make = h("button", { type: "button", id: "make-key", class: "big" }, t("key.make"));
  make.addEventListener("click", async () => {
    if (one.value.length < 10) return void (note.textContent = t("key.short"));
    if (one.value !== two.value) return void (note.textContent = t("key.mismatch"));
    make.disabled = true;
    note.textContent = t("key.making");
    const { pair, backup } = await makeKey(one.value);
    await saveKey(pair, backup);
    go("#/key");
  });
  const file = h("input", { type: "file", id: "backup-file", accept: "application/json,.json" });
  const pass = h("input", { type: "password", id: "restore-pass", autocomplete: "off" });
  const restore = h("button", { type: "button", id: "restore" }, t("key.restore"));
  restore.addEventListener("click", async () => {
    try {
      const backup = JSON.parse(await file.files[0].text());
      await saveKey(await openBackup(backup, pass.value), backup);
      go("#/key");
    } catch (error) {
      note.textContent = t(error.message === "bad-passphrase" ? "key.bad-passphrase"
        : "key.bad-backup");
    }
  });
  main.append(h("p", {}, t("key.none")), ...fields, make, note,
    h("h2", {}, t("key.restore")), h("label", { class: "field" }, t("key.backup-file"), file),
    h("label", { class: "field" }, t("key.passphrase"), pass), restore);
}

function registrationView() {
  const reg = state.registration;
  if (!reg) return h("p", { id: "registration", class: "notice" }, t("key.unregistered"));
  const row = (key, value) => (value ? h("tr", {}, h("th", {}, t(key)), h("td", {}, value)) : null);
  return h("table", { id: "registration" }, h("tbody", {},
    row("reg.role", `${t(`role.${reg.role}`)} (${reg.role})`),
    row("reg.scope", `${reg.scope} ${reg.scope_name || ""}`),
    row("reg.party", reg.party),
    row("reg.label", reg.label),
    row("reg.valid", reg.not_before ? `${reg.not_before} – ${reg.not_after}` : null),
    row("reg.index", String(reg.index)),
    reg.revoked ? row("key.revoked", `${reg.revoked.index}: ${reg.revoked.reason}`) : null));
}

async function renderKey(main) {
  main.replaceChildren(h("h1", {}, t("key.title")));
  if (!state.pair) return enrolForm(main);
  const check = h("button", { type: "button", id: "check-registration" }, t("key.check"));
  check.addEventListener("click", async () => { await checkRegistration(); render(); });
  const save = h("button", { type: "button", id: "download-backup" }, t("key.download"));
  save.addEventListener("click", () => download(`saksi-key-${keyPath(state.publicKey)
    .slice(0, 8)}.json`, JSON.stringify(state.backup, null, 1)));
  main.append(
    h("p", {}, t("key.public")),
    h("p", {}, h("code", { id: "pubkey", class: "hash" }, state.publicKey)),
    qr(state.publicKey, t("key.public")),
    h("p", { class: "meta" }, t("key.note")),
    save,
    h("h2", {}, t("key.registration")), registrationView(), check);
  return undefined;
}

// --- outbox and receipts ---

function receiptView(r) {
  const qrBox = h("div", { class: "qr-box" });
  const show = h("button", { type: "button", class: "show-qr" }, t("receipt.qr"));
  show.addEventListener("click", () => {
    const text = canonicalize({ index: r.index, leaf_hash: r.leaf, origin: state.config.origin });
    qrBox.replaceChildren(qr(text, t("receipt.qr")), h("code", { class: "hash" }, text));
  });
  let proof;
  if (r.verified) {
    proof = h("p", { class: "proof ok" }, t("receipt.verified",
      { size: r.checkpoint_size, sigs: r.signatures, witnesses: r.cosigners || 0 }));
  } else if (r.verified === false) {
    proof = h("p", { class: "proof bad" }, t("receipt.bad", { why: r.verify_error }));
  } else {
    proof = h("p", { class: "proof" }, t("receipt.unverified"));
  }
  return h("li", { class: "receipt", "data-leaf": r.leaf },
    h("strong", {}, `${r.kind} ${r.label}`),
    h("dl", {}, h("dt", {}, t("receipt.index")), h("dd", { class: "index" }, String(r.index)),
      h("dt", {}, t("receipt.leaf")), h("dd", { class: "hash leaf" }, r.leaf),
      h("dt", {}, t("receipt.status")), h("dd", { class: "status" },
        t(`status.${r.status}`), r.duplicate ? ` (${t("receipt.duplicate")})` : "")),
    proof, show, qrBox);
}

function pendingView(item) {
  const what = item.state === "refused"
    ? [h("strong", {}, t("outbox.refused")), " ", item.error.code, ": ", pick(item.error.message)]
    : [t("outbox.waiting", { n: item.attempts })];
  return h("li", { class: `pending ${item.state}`, "data-leaf": item.leaf },
    h("strong", {}, `${item.kind} ${item.label} `), ...what);
}

async function renderOutbox(main) {
  const pending = await db.all("outbox");
  const receipts = (await db.all("receipts")).sort((a, b) => b.sent_at.localeCompare(a.sent_at));
  const send = h("button", { type: "button", id: "send-now" }, t("outbox.send"));
  send.addEventListener("click", () => flush(true));
  main.replaceChildren(
    h("h1", {}, t("outbox.title")),
    h("h2", {}, t("outbox.pending")),
    pending.length ? h("ul", { id: "pending" }, pending.map(pendingView))
      : h("p", { id: "pending-empty" }, t("outbox.empty")),
    pending.length ? send : "",
    h("h2", {}, t("outbox.receipts")),
    receipts.length ? h("ul", { id: "receipts" }, receipts.map(receiptView))
      : h("p", {}, t("outbox.no-receipts")),
  );
}

// --- boot ---

async function tick() {
  chrome();
  if (state.pair && !state.registration) {
    await checkRegistration(); // shown as soon as KPU's registration is in the log
    if (state.registration && location.hash === "#/key") render();
  }
  await flush();
  if (state.config) await prove(state.config);
}

async function boot() {
  setLang((await db.get("kv", "lang")) || "id");
  document.getElementById("lang").addEventListener("click", async () => {
    setLang(getLang() === "id" ? "en" : "id");
    await db.put("kv", getLang(), "lang");
    chrome();
    render();
  });
  await loadConfig();
  await loadKey();
  await checkRegistration();
  chrome();
  window.addEventListener("hashchange", render);
  window.addEventListener("online", () => { chrome(); flush(true); });
  window.addEventListener("offline", chrome);
  onChange(() => {
    if (location.hash === "#/outbox") renderOutbox(document.getElementById("main"));
  });
  await render();
  setInterval(tick, POLL_MS);
  tick();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => {});
  document.body.dataset.ready = "true";
  say("");
}

boot();
