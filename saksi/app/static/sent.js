// What was already sent for a form, so that a second one is flagged before signing
// (the service would refuse it only after: auth.duplicate-form, auth.correction-stale).
//
// - c-hasil: one per TPS (format.md); a KPPS cannot correct it, KPU Kab/Kota does.
// - c-salinan: one per TPS and witness key.
// - correction: one per form in force; the next one cites the correction.
//
// The device's own outbox and receipts answer offline; the log's TPS view
// (/v1/tps/{tps}/ppwp) answers for forms other devices sent.
import * as db from "./db.js";

function tpsOf(item) {
  return item.tps || item.label;
}

/** This device's statement of ``mode`` for ``tps`` (and, for a correction, of the same
 * cited entry): {index} once receipted, {waiting: true} while in the outbox, or null. */
export async function sentHere(mode, tps, corrects) {
  const same = (item) => item.kind === mode && tpsOf(item) === tps &&
    (mode !== "correction" || (corrects && item.corrects &&
      item.corrects.index === corrects.index));
  const receipt = (await db.all("receipts")).find(same);
  if (receipt) return { index: receipt.index };
  const queued = (await db.all("outbox")).find((item) => same(item) && item.state !== "refused");
  return queued ? { waiting: true } : null;
}

/** What the log holds that a new statement of ``mode`` for ``tps`` by ``key`` would
 * collide with: {index} of the c-hasil or of this key's copy, {stale: index} when the
 * form in force is no longer the one a correction cites; null otherwise or offline. */
export async function sentInLog(mode, tps, key, corrects) {
  if (!navigator.onLine || !/^[0-9]{13}$/.test(tps)) return null;
  let view;
  try {
    const answer = await fetch(`/v1/tps/${tps}/ppwp`, { cache: "no-store" });
    if (!answer.ok) return null;
    view = await answer.json();
  } catch {
    return null;
  }
  if (mode === "c-hasil") {
    const first = view.history.find((item) => item.type === "c-hasil");
    return first ? { index: first.index } : null;
  }
  if (mode === "c-salinan") {
    const copy = view.copies.find((item) => item.signer && item.signer.key === key);
    return copy ? { index: copy.index } : null;
  }
  if (corrects && view.current && view.current.index !== corrects.index) {
    return { stale: view.current.index };
  }
  return null;
}

/** The earlier statement, here or in the log (see the two functions above). */
export async function sentBefore(mode, tps, key, corrects) {
  return (await sentHere(mode, tps, corrects)) || (await sentInLog(mode, tps, key, corrects));
}
