// The TPS page's "Periksa bukti / Check the proof": an entry's inclusion in the log,
// checked in the reader's browser with WebCrypto, as the entry app checks its receipts
// (saksi/app/static/tlog.js, ported here: the dashboard loads none of the app's files).
//
// For the entry a button names (data-leaf, data-index, data-receipt, data-entry), it
// fetches, from this origin only: the log's and the witnesses' keys and the quorum
// (data-keys: the Verifikasi page's twin), the entry's bytes (their RFC 6962 leaf hash
// must be the page's) and its receipt, whose C2SP tlog-proof carries the published
// checkpoint. The checkpoint must be signed by the log's key, every cosignature by a
// known witness must verify and at least the quorum must have cosigned; the inclusion
// proof must lead from the page's leaf hash at its index to the checkpoint's root. The
// result is said in words (data-result: verified, failed, pending or unsupported); a
// browser without Ed25519 in WebCrypto is told it cannot check, never that it verified.
// A click on an enlarged photo (the CSS-only :target view) zooms it further.
(function () {
  "use strict";
  var HEADER = "c2sp.org/tlog-proof@v1";
  var SIG_PREFIX = "\u2014 ";
  var ALG_ED25519 = 1;
  var ALG_COSIGNATURE_V1 = 4;

  function fail(code) {
    var error = new Error(code);
    error.code = code;
    return error;
  }
  function utf8(text) { return new TextEncoder().encode(text); }
  function unb64(text) {
    try {
      return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    } catch (e) {
      throw fail("bad-proof");
    }
  }
  function hex(bytes) {
    return Array.prototype.map.call(new Uint8Array(bytes), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }
  function unhex(text) {
    return Uint8Array.from(text.match(/../g) || [], function (h) { return parseInt(h, 16); });
  }
  function concat() {
    var parts = Array.prototype.slice.call(arguments);
    var out = new Uint8Array(parts.reduce(function (n, p) { return n + p.length; }, 0));
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  async function keyId(name, alg, publicKey) {
    return (await sha256(concat(utf8(name + "\n"), Uint8Array.of(alg), publicKey))).slice(0, 4);
  }
  async function importEd25519(publicKey) {
    try {
      return await crypto.subtle.importKey("raw", publicKey, {name: "Ed25519"}, false, ["verify"]);
    } catch (e) {
      throw fail("unsupported");  // no Ed25519 in this browser's WebCrypto
    }
  }
  async function parseKey(vkey, algs, idAlg, code) {
    var parts = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey || "");
    if (!parts) { throw fail(code); }
    var raw = unb64(parts[3]);
    if (raw.length !== 33 || algs.indexOf(raw[0]) < 0) { throw fail(code); }
    var publicKey = raw.slice(1);
    if (hex(await keyId(parts[1], raw[0], publicKey)) !== parts[2]) { throw fail(code); }
    return {name: parts[1], key: await importEd25519(publicKey),
      id: hex(await keyId(parts[1], idAlg, publicKey))};
  }
  async function cosigned(witness, raw, text) {
    if (raw.length !== 76) { return false; }
    var time = new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0);
    var message = utf8("cosignature/v1\ntime " + time + "\n" + text);
    return crypto.subtle.verify({name: "Ed25519"}, witness.key, raw.slice(12), message);
  }
  async function openCheckpoint(note, log, witnesses) {
    var split = note.lastIndexOf("\n\n");
    if (split < 0 || note.slice(-1) !== "\n") { throw fail("bad-checkpoint"); }
    var text = note.slice(0, split + 1);
    var lines = note.slice(split + 2, -1).split("\n");
    var signed = false;
    var cosigners = {};
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].indexOf(SIG_PREFIX) !== 0) { throw fail("bad-checkpoint"); }
      var fields = lines[i].slice(SIG_PREFIX.length).split(" ");
      var raw = unb64(fields[1] || "");
      var id = hex(raw.slice(0, 4));
      var witness = witnesses.find(function (w) { return w.name === fields[0] && w.id === id; });
      if (witness) {
        if (!(await cosigned(witness, raw, text))) { throw fail("bad-cosignature"); }
        cosigners[id] = true;
        continue;
      }
      if (fields[0] !== log.name || raw.length !== 68 || id !== log.id) { continue; }
      if (!(await crypto.subtle.verify({name: "Ed25519"}, log.key, raw.slice(4), utf8(text)))) {
        throw fail("bad-log-signature");
      }
      signed = true;
    }
    if (!signed) { throw fail("no-log-signature"); }
    var body = text.split("\n");
    if (body[0] !== log.name) { throw fail("wrong-origin"); }
    if (!/^(0|[1-9][0-9]*)$/.test(body[1])) { throw fail("bad-checkpoint"); }
    var root = unb64(body[2] || "");
    if (root.length !== 32) { throw fail("bad-checkpoint"); }
    return {size: Number(body[1]), root: root, cosigners: Object.keys(cosigners).length};
  }
  function parseProof(text) {
    var blank = text.indexOf("\n\n");
    if (blank < 0) { throw fail("bad-proof"); }
    var lines = text.slice(0, blank).split("\n");
    if (lines.shift() !== HEADER) { throw fail("bad-proof"); }
    if (lines[0] && lines[0].indexOf("extra ") === 0) { lines.shift(); }
    var index = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() || "");
    if (!index) { throw fail("bad-proof"); }
    var hashes = lines.map(unb64);
    if (hashes.some(function (h) { return h.length !== 32; })) { throw fail("bad-proof"); }
    return {index: Number(index[1]), hashes: hashes, note: text.slice(blank + 2)};
  }
  async function rootFromInclusion(index, size, leaf, proof) {  // RFC 9162 2.1.3.2
    if (index >= size) { throw fail("bad-proof"); }
    var fn = index;
    var sn = size - 1;
    var r = leaf;
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0) { throw fail("bad-proof"); }
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat(Uint8Array.of(1), proof[i], r));
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else {
        r = await sha256(concat(Uint8Array.of(1), r, proof[i]));
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    if (sn !== 0) { throw fail("bad-proof"); }
    return r;
  }
  async function fetchOk(url, kind) {
    var answer;
    try {
      answer = await fetch(url, {cache: "no-store", credentials: "same-origin"});
    } catch (e) {
      throw fail("fetch");
    }
    if (!answer.ok) { throw fail("fetch"); }
    return kind === "json" ? answer.json() : new Uint8Array(await answer.arrayBuffer());
  }

  /** Check the entry a button names; the numbers the result speaks of. */
  async function check(button) {
    if (!window.crypto || !crypto.subtle) { throw fail("unsupported"); }
    var leaf = button.getAttribute("data-leaf") || "";
    var index = Number(button.getAttribute("data-index"));
    var keys = await fetchOk(button.getAttribute("data-keys"), "json");
    var log = await parseKey(keys.log_key, [ALG_ED25519], ALG_ED25519, "bad-log-key");
    var witnesses = [];
    for (var i = 0; i < (keys.witnesses || []).length; i++) {
      witnesses.push(await parseKey(keys.witnesses[i].vkey, [ALG_ED25519, ALG_COSIGNATURE_V1],
        ALG_COSIGNATURE_V1, "bad-witness-key"));
    }
    var quorum = Number(keys.quorum || 0);
    var entry = await fetchOk(button.getAttribute("data-entry"), "bytes");
    if (hex(await sha256(concat(Uint8Array.of(0), entry))) !== leaf) {
      throw fail("entry-mismatch");  // the page's leaf hash is not this entry's
    }
    var receipt = await fetchOk(button.getAttribute("data-receipt"), "json");
    if (!receipt.proof) { throw fail("pending"); }
    var proof = parseProof(receipt.proof);
    if (proof.index !== index) { throw fail("wrong-index"); }
    var checkpoint = await openCheckpoint(proof.note, log, witnesses);
    if (checkpoint.cosigners < quorum) { throw fail("quorum-not-met"); }
    var root = await rootFromInclusion(proof.index, checkpoint.size, unhex(leaf), proof.hashes);
    if (hex(root) !== hex(checkpoint.root)) { throw fail("not-included"); }
    return {index: index, size: checkpoint.size, cosigners: checkpoint.cosigners,
      witnesses: witnesses.length, quorum: quorum};
  }

  var TEXT = null;
  function text() {
    if (TEXT === null) {
      var holder = document.getElementById("proof-text");
      TEXT = holder ? JSON.parse(holder.getAttribute("data-text") || "{}") : {};
    }
    return TEXT;
  }
  function fill(template, fields) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, name) {
      return name in fields ? String(fields[name]) : all;
    });
  }
  function show(button, result, message) {
    var out = button.parentNode.querySelector(".proof-result");
    if (!out) { return; }
    out.setAttribute("data-result", result);
    out.className = "proof-result " + (result === "verified" ? "ok" : "bad");
    out.textContent = message;
  }
  function run(button) {
    var words = text();
    button.disabled = true;
    show(button, "checking", words.checking);
    check(button).then(function (done) {
      var key = done.witnesses ? "verified" : "verified_alone";
      show(button, "verified", fill(words[key], done));
    }, function (error) {
      var code = error && error.code ? error.code : "error";
      if (code === "unsupported" || code === "pending") {
        show(button, code, words[code]);
        return;
      }
      var why = (words.why || {})[code] || code;
      show(button, "failed", fill(words.failed, {why: why, code: code}));
    }).then(function () { button.disabled = false; });
  }
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {  // blocks are swapped on updates
    var button = event.target.closest ? event.target.closest("button[data-leaf]") : null;
    if (button) { run(button); }
    var photo = event.target.closest ? event.target.closest("img[data-zoom]") : null;
    if (photo) { photo.classList.toggle("big"); }  // a click zooms the enlarged photo
  });
})();
