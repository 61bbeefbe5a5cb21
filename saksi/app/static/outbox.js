// The outbox: signed entries wait here (IndexedDB) until the service has them.
//
// An entry is signed once; its exact bytes are kept and only ever resent as they are,
// so a retry is the same leaf hash and the service answers it with the first receipt
// (200, "duplicate": true) instead of logging it twice. Entries are keyed by leaf
// hash: the same statement cannot be queued twice. Photos go first, each with the
// signature made when the statement was signed (content-addressed, so re-uploading is
// harmless); the service keeps an uncited photo for a while only (expires_in), so one
// whose statement has not gone yet is uploaded again once that time is nearly up.
// 4xx answers other than 408 and 429 are final: the entry is kept, marked refused,
// with the service's coded message, and never resent.
import * as db from "./db.js";
import { verifyProof } from "./tlog.js";

const RETRY_MAX_SECONDS = 60;
const STAGE_MARGIN_SECONDS = 300;
let busy = false;
let listeners = [];

export function onChange(listener) {
  listeners.push(listener);
}

function changed() {
  for (const listener of listeners) listener();
}

/** Queue a signed entry (and the photos it cites); false when it is already queued. */
export async function enqueue(signed, meta) {
  const item = {
    leaf: signed.leaf,
    entry: signed.text,
    kind: meta.kind,
    label: meta.label,
    tps: meta.tps || null,
    corrects: meta.corrects || null,
    photos: meta.photos || [],
    photo_headers: meta.photoHeaders || {},
    queued_at: new Date().toISOString(),
    state: "waiting",
    attempts: 0,
    next_at: 0,
    error: null,
  };
  const receipt = await db.get("receipts", signed.leaf);
  const added = receipt ? false : await db.addOnce("outbox", item);
  changed();
  return added;
}

function backoff(attempts) {
  const base = Math.min(RETRY_MAX_SECONDS, 2 ** Math.min(attempts, 6));
  return base * 1000 * (0.75 + Math.random() / 2);
}

/** Whether the service still has the photo (kept for good, or staged for a while more). */
function held(photo) {
  return photo.stored || (photo.staged_until || 0) > Date.now();
}

async function uploadPhotos(item) {
  for (const sha of item.photos) {
    const photo = await db.get("photos", sha);
    if (!photo || held(photo)) continue;
    const answer = await fetch("/v1/photos", {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream", ...item.photo_headers[sha] },
      body: photo.data,
    });
    if (answer.status !== 201) return answer;
    const body = await answer.json();
    const staged = body.state === "staged" ? body.expires_in - STAGE_MARGIN_SECONDS : 0;
    await db.put("photos", { ...photo, stored: body.state === "stored",
      staged_until: Date.now() + Math.max(0, staged) * 1000 });
  }
  return null;
}

function final(status) {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

async function sendOne(item) {
  const failed = await uploadPhotos(item);
  const answer = failed || (await fetch("/v1/statements", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: item.entry,
  }));
  const body = await answer.json().catch(() => null);
  if (!failed && (answer.status === 201 || answer.status === 200)) {
    await db.put("receipts", {
      ...body,
      leaf: item.leaf,
      entry: item.entry,
      kind: item.kind,
      label: item.label,
      tps: item.tps,
      corrects: item.corrects,
      sent_at: new Date().toISOString(),
      proof: null,
      verified: null,
    });
    await db.del("outbox", item.leaf);
    return;
  }
  const error = body && body.error ? body.error : { code: `http.${answer.status}`, message: null };
  if (final(answer.status)) {
    await db.put("outbox", { ...item, state: "refused", error });
    return;
  }
  const retryAfter = Number(answer.headers.get("Retry-After") || 0) * 1000;
  const attempts = item.attempts + 1;
  const wait = Math.max(retryAfter, backoff(attempts));
  await db.put("outbox", { ...item, attempts, next_at: Date.now() + wait, error });
}

/** Send what is due (all of it when ``force``); one flush at a time. */
export async function flush(force = false) {
  if (busy) return;
  busy = true;
  try {
    const items = (await db.all("outbox")).sort((a, b) => a.queued_at.localeCompare(b.queued_at));
    for (const item of items) {
      if (item.state === "refused" || (!force && item.next_at > Date.now())) continue;
      if (!navigator.onLine) break;
      try {
        await sendOne(item);
      } catch {
        const attempts = item.attempts + 1;
        await db.put("outbox", { ...item, attempts, next_at: Date.now() + backoff(attempts),
          error: { code: "network", message: null } });
        break; // the network is down: the rest waits too
      }
      changed();
    }
  } finally {
    busy = false;
    changed();
  }
}

/** Fetch and check the proofs of receipts not yet proved, against the log's key and
 * the witness quorum of ``config`` (/app/config.json). */
export async function prove(config) {
  if (!navigator.onLine) return;
  for (const receipt of await db.all("receipts")) {
    if (receipt.verified) continue;
    let answer;
    try {
      answer = await fetch(`/v1/receipts/${receipt.leaf}`, { cache: "no-store" });
    } catch {
      return;
    }
    if (!answer.ok) continue;
    const body = await answer.json();
    if (!body.proof) continue;
    let check;
    try {
      const result = await verifyProof(body.proof, config.log_key, receipt.leaf, receipt.index,
        config.witnesses || [], config.quorum || 0);
      check = { verified: true, proof: body.proof, checkpoint_size: result.size,
        signatures: result.signatures, cosigners: result.cosigners, verify_error: null };
    } catch (error) {
      check = { verified: false, proof: body.proof, verify_error: error.message };
    }
    await db.put("receipts", { ...receipt, ...check, status: body.status });
    changed();
  }
}
