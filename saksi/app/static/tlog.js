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

const ALG_ED25519 = 1;
const ALG_COSIGNATURE_V1 = 4;

async function keyId(name, alg, publicKey) {
  return (await sha256(concat(utf8(`${name}\n`), Uint8Array.of(alg), publicKey))).slice(0, 4);
}

async function parseKey(vkey, algs, code) {
  const parts = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey || "")?.slice(1);
  if (!parts) throw fail(code);
  const raw = unb64(parts[2]);
  if (raw.length !== 33 || !algs.includes(raw[0])) throw fail(code);
  const name = parts[0];
  const publicKey = raw.slice(1);
  if (hex(await keyId(name, raw[0], publicKey)) !== parts[1]) throw fail(code);
  const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, [
    "verify",
  ]);
  return { name, publicKey, key, alg: raw[0] };
}

/** Parse the log's verifier key; its name, 4-byte ID and Ed25519 public key. */
export async function parseVerifierKey(vkey) {
  const parsed = await parseKey(vkey, [ALG_ED25519], "bad-log-key");
  return { ...parsed, id: await keyId(parsed.name, ALG_ED25519, parsed.publicKey) };
}

/** Parse a witness's cosignature verifier key (type 0x04, or 0x01 for the same key). */
export async function parseWitnessKey(vkey) {
  const parsed = await parseKey(vkey, [ALG_ED25519, ALG_COSIGNATURE_V1], "bad-witness-key");
  return { ...parsed, id: await keyId(parsed.name, ALG_COSIGNATURE_V1, parsed.publicKey) };
}

/** True when ``raw`` (key ID, 8-byte time, signature) is ``witness``'s cosignature/v1. */
async function cosigned(witness, raw, text) {
  if (raw.length !== 76) return false;
  const time = new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0);
  const message = utf8(`cosignature/v1\ntime ${time}\n${text}`);
  return crypto.subtle.verify({ name: "Ed25519" }, witness.key, raw.slice(12), message);
}

/** The checkpoint note's text, fields, the number of signature lines and of witnesses
 * whose cosignature verified; the log's signature must verify, and every cosignature
 * by a known witness. */
export async function openCheckpoint(note, verifier, witnesses = []) {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) throw fail("bad-checkpoint");
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  let verified = false;
  let signatures = 0;
  const cosigners = new Set();
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw fail("bad-checkpoint");
    const [name, sig] = line.slice(SIG_PREFIX.length).split(" ");
    const raw = unb64(sig);
    signatures += 1;
    const witness = witnesses.find((w) => w.name === name && hex(w.id) === hex(raw.slice(0, 4)));
    if (witness) {
      if (!(await cosigned(witness, raw, text))) throw fail("bad-cosignature");
      cosigners.add(hex(witness.id));
      continue;
    }
    if (name !== verifier.name || raw.length !== 68 || hex(raw.slice(0, 4)) !== hex(verifier.id)) {
      continue; // another key's signature
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
  return { origin: body[0], size: Number(body[1]), root, signatures, cosigners: cosigners.size };
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
 * Check a receipt's tlog-proof: the checkpoint is signed by the log's key, cosigned by
 * at least ``quorum`` of ``witnessKeys`` (their verifier keys), and the entry with
 * ``leafHex`` at ``index`` is in its tree. Returns {size, signatures, cosigners, root}
 * or throws an Error whose message is the reason.
 */
export async function verifyProof(proofText, vkey, leafHex, index, witnessKeys = [], quorum = 0) {
  const verifier = await parseVerifierKey(vkey);
  const witnesses = await Promise.all(witnessKeys.map(parseWitnessKey));
  const proof = parseProof(proofText);
  if (proof.index !== index) throw fail("wrong-index");
  const checkpoint = await openCheckpoint(proof.note, verifier, witnesses);
  if (checkpoint.cosigners < quorum) throw fail("quorum-not-met");
  const root = await rootFromInclusion(proof.index, checkpoint.size, unhex(leafHex), proof.hashes);
  if (b64(root) !== b64(checkpoint.root)) throw fail("not-included");
  return { size: checkpoint.size, signatures: checkpoint.signatures,
    cosigners: checkpoint.cosigners, root: b64(root) };
}
