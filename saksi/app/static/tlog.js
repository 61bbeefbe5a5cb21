// A receipt's proof checked on the device: C2SP tlog-proof, signed-note checkpoint,
// RFC 9162 inclusion. The same checks as saksi/tlog/proof.py's verify, against the
// log's verifier key (``name+keyid+base64(0x01 || public key)``).
import { b64, hex, sha256, unb64, unhex, utf8 } from "./crypto.js";

const HEADER = "c2sp.org/tlog-proof@v1";
const SIG_PREFIX = "\u2014 ";

function fail(code) {
  const error = new Error(code);
  error.code = code;
  return error;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parse a verifier key; its name, 4-byte ID and Ed25519 public key. */
export async function parseVerifierKey(vkey) {
  const parts = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey || "")?.slice(1);
  if (!parts) throw fail("bad-log-key");
  const raw = unb64(parts[2]);
  if (raw.length !== 33 || raw[0] !== 1) throw fail("bad-log-key");
  const name = parts[0];
  const id = (await sha256(concat(utf8(`${name}\n`), raw))).slice(0, 4);
  if (hex(id) !== parts[1]) throw fail("bad-log-key");
  const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, [
    "verify",
  ]);
  return { name, id, key };
}

/** The checkpoint note's text, fields and the number of signature lines; the log's
 * signature must verify. */
export async function openCheckpoint(note, verifier) {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) throw fail("bad-checkpoint");
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  let verified = false;
  let signatures = 0;
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw fail("bad-checkpoint");
    const [name, sig] = line.slice(SIG_PREFIX.length).split(" ");
    const raw = unb64(sig);
    signatures += 1;
    if (name !== verifier.name || raw.length !== 68 || hex(raw.slice(0, 4)) !== hex(verifier.id)) {
      continue; // a witness's cosignature, or another key's
    }
    const ok = await crypto.subtle.verify(
      { name: "Ed25519" }, verifier.key, raw.slice(4), utf8(text));
    if (!ok) throw fail("bad-log-signature");
    verified = true;
  }
  if (!verified) throw fail("no-log-signature");
  const body = text.split("\n");
  if (body[0] !== verifier.name) throw fail("wrong-origin");
  if (!/^(0|[1-9][0-9]*)$/.test(body[1])) throw fail("bad-checkpoint");
  const root = unb64(body[2]);
  if (root.length !== 32) throw fail("bad-checkpoint");
  return { origin: body[0], size: Number(body[1]), root, signatures };
}

function parseProof(text) {
  const blank = text.indexOf("\n\n");
  if (blank < 0) throw fail("bad-proof");
  const lines = text.slice(0, blank).split("\n");
  if (lines.shift() !== HEADER) throw fail("bad-proof");
  if (lines[0] && lines[0].startsWith("extra ")) lines.shift();
  const index = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() || "");
  if (!index) throw fail("bad-proof");
  const hashes = lines.map((line) => unb64(line));
  if (hashes.some((h) => h.length !== 32)) throw fail("bad-proof");
  return { index: Number(index[1]), hashes, note: text.slice(blank + 2) };
}

async function node(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/** RFC 9162 section 2.1.3.2: the root an inclusion proof leads to. */
export async function rootFromInclusion(index, size, leaf, proof) {
  if (index >= size) throw fail("bad-proof");
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw fail("bad-proof");
    if (fn % 2 === 1 || fn === sn) {
      r = await node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw fail("bad-proof");
  return r;
}

/**
 * Check a receipt's tlog-proof: the checkpoint is signed by the log's key and the
 * entry with ``leafHex`` at ``index`` is in its tree. Returns {size, signatures,
 * root} or throws an Error whose message is the reason.
 */
export async function verifyProof(proofText, vkey, leafHex, index) {
  const verifier = await parseVerifierKey(vkey);
  const proof = parseProof(proofText);
  if (proof.index !== index) throw fail("wrong-index");
  const checkpoint = await openCheckpoint(proof.note, verifier);
  const root = await rootFromInclusion(proof.index, checkpoint.size, unhex(leafHex), proof.hashes);
  if (b64(root) !== b64(checkpoint.root)) throw fail("not-included");
  return { size: checkpoint.size, signatures: checkpoint.signatures, root: b64(root) };
}
