// Command verify checks a C2SP tlog-tiles publication with Go's own transparency-log
// code (golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog), which has never
// heard of Saksi. It is Saksi's interoperability test: see README.md beside it.
//
// Usage:
//
//	verify -dir DIR -vkey VKEY -origin ORIGIN [-old CHECKPOINT]... [-receipt PROOF]... [-every K]
//
// It opens DIR/checkpoint as a signed note with the log's verifier key, parses the
// C2SP checkpoint body (origin, size, base64 root), reads the hash tiles
// (DIR/tile/<L>/<N>[.p/<W>]) through tlog.TileHashReader, which authenticates every
// tile against the checkpoint's root, and then:
//
//   - recomputes the root with tlog.TreeHash;
//   - reads every entry bundle (DIR/tile/entries/<N>[.p/<W>]) and checks that the
//     record hash of each entry (tlog.RecordHash) is the level-0 hash in the tiles;
//   - proves and checks inclusion (tlog.ProveRecord, tlog.CheckRecord) of entry 0,
//     every K-th entry and the last;
//   - proves and checks consistency (tlog.ProveTree, tlog.CheckTree) from a few
//     smaller sizes, and from each -old checkpoint (a signed checkpoint the log
//     published earlier, verified with the same key);
//   - checks each -receipt, a C2SP tlog-proof (c2sp.org/tlog-proof@v1): its checkpoint
//     signed by the log and consistent with DIR/checkpoint, and its inclusion proof
//     (tlog.CheckRecord) from the entry's authenticated record hash to that root.
//
// Exit status: 0 when everything verifies; 1 with a message when anything does not;
// 2 on a usage error.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// height is the C2SP tlog-tiles tile height: 256 hashes (or entries) per full tile.
const height = 8

const width = 1 << height

// checkpoint is a C2SP tlog-checkpoint body.
type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies the signed note in file and parses its body.
func openCheckpoint(file string, verifiers note.Verifiers) (checkpoint, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return checkpoint{}, err
	}
	n, err := note.Open(data, verifiers)
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: signed note: %v", file, err)
	}
	cp, err := parseCheckpoint(n.Text)
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: %v", file, err)
	}
	return cp, nil
}

// parseCheckpoint parses "origin\nsize\nbase64(root)\n[extension lines]".
func parseCheckpoint(text string) (checkpoint, error) {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return checkpoint{}, errors.New("checkpoint: fewer than three lines")
	}
	origin := lines[0]
	if origin == "" {
		return checkpoint{}, errors.New("checkpoint: empty origin")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, fmt.Errorf("checkpoint: bad size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return checkpoint{}, fmt.Errorf("checkpoint: bad root hash %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], raw)
	return checkpoint{origin: origin, size: size, root: root}, nil
}

// indexPath encodes n as C2SP (and Go) do: 3-digit groups, all but the last "x"-prefixed.
func indexPath(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	return s
}

// c2spPath maps Go's tile coordinates to the C2SP tlog-tiles path: Go writes
// tile/8/L/N and tile/8/data/N, C2SP tile/L/N and tile/entries/N.
func c2spPath(t tlog.Tile) string {
	level := strconv.Itoa(t.L)
	if t.L == -1 {
		level = "entries"
	}
	p := "tile/" + level + "/" + indexPath(t.N)
	if t.W != 1<<uint(t.H) {
		p += ".p/" + strconv.Itoa(t.W)
	}
	return p
}

// tileDir is a tlog.TileReader over a C2SP publication directory for a tree of
// size hashes. It authenticates every tile it returns itself, not only through
// tlog.TileHashReader: Debian's x/mod (0.7.0) predates the fix for Go issue 80744
// (CVE-2026-56865), in which TileHashReader leaves up to two tiles of a request
// unchecked against their parents. A tile is authentic when it is a right-edge
// (partial) tile that gave the checkpoint's root (see authenticateEdge), or a full
// tile whose hash is the node its authentic parent tile holds for it.
type tileDir struct {
	dir       string
	size      int64
	authentic map[tlog.Tile][]byte
	reads     int
}

func newTileDir(dir string, size int64) *tileDir {
	return &tileDir{dir: dir, size: size, authentic: map[tlog.Tile][]byte{}}
}

func (d *tileDir) Height() int { return height }

// tileAt is tile n of level l as wide as the tree makes it.
func (d *tileDir) tileAt(l int, n int64) tlog.Tile {
	w := (d.size >> uint(height*l)) - n*width
	if w > width {
		w = width
	}
	return tlog.Tile{H: height, L: l, N: n, W: int(w)}
}

// read reads a hash tile from disk, unauthenticated.
func (d *tileDir) read(t tlog.Tile) ([]byte, error) {
	if t.H != height || t.L < 0 || t.W < 1 {
		return nil, fmt.Errorf("unexpected tile request %+v", t)
	}
	data, err := os.ReadFile(filepath.Join(d.dir, filepath.FromSlash(c2spPath(t))))
	if err != nil {
		return nil, err
	}
	if len(data) != t.W*tlog.HashSize {
		return nil, fmt.Errorf("%s: %d bytes, want %d", c2spPath(t), len(data), t.W*tlog.HashSize)
	}
	d.reads++
	return data, nil
}

// authenticateEdge computes the tree hash from the right-edge tiles, read as they
// are, and accepts those tiles when it is the checkpoint's root.
func (d *tileDir) authenticateEdge(root tlog.Hash) error {
	edge := map[tlog.Tile][]byte{}
	raw := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		hashes := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			least := tlog.TileForIndex(height, x)
			t := d.tileAt(least.L, least.N)
			data, ok := edge[t]
			if !ok {
				var err error
				if data, err = d.read(t); err != nil {
					return nil, err
				}
				edge[t] = data
			}
			h, err := tlog.HashFromTile(t, data, x)
			if err != nil {
				return nil, err
			}
			hashes[i] = h
		}
		return hashes, nil
	})
	h, err := tlog.TreeHash(d.size, raw)
	if err != nil {
		return fmt.Errorf("tree hash from the right-edge tiles: %v", err)
	}
	if h != root {
		return fmt.Errorf("the right-edge tiles give root %v, the checkpoint says %v", h, root)
	}
	for t, data := range edge {
		d.authentic[t] = data
	}
	return nil
}

// authenticated returns t's data once t is proven part of the tree.
func (d *tileDir) authenticated(t tlog.Tile) ([]byte, error) {
	if data, ok := d.authentic[t]; ok {
		return data, nil
	}
	if t.W != width || t != d.tileAt(t.L, t.N) {
		return nil, fmt.Errorf("%s: not a tile of a tree of %d", c2spPath(t), d.size)
	}
	data, err := d.read(t)
	if err != nil {
		return nil, err
	}
	parent := d.tileAt(t.L+1, t.N>>height)
	pdata, err := d.authenticated(parent)
	if err != nil {
		return nil, err
	}
	want, err := tlog.HashFromTile(parent, pdata, tlog.StoredHashIndex(height*(t.L+1), t.N))
	if err != nil {
		return nil, err
	}
	if got := fullTileHash(t, data); got != want {
		return nil, fmt.Errorf("%s: hash %v, its parent %s holds %v", c2spPath(t), got, c2spPath(parent), want)
	}
	d.authentic[t] = data
	return data, nil
}

// fullTileHash is the node above a full tile: the hash of its two halves, each
// computed by tlog.HashFromTile from the tile's level-(8L+7) nodes.
func fullTileHash(t tlog.Tile, data []byte) tlog.Hash {
	level := height*t.L + height - 1
	left, errL := tlog.HashFromTile(t, data, tlog.StoredHashIndex(level, 2*t.N))
	right, errR := tlog.HashFromTile(t, data, tlog.StoredHashIndex(level, 2*t.N+1))
	if errL != nil || errR != nil {
		panic(fmt.Sprintf("fullTileHash %v: %v %v", t, errL, errR))
	}
	return tlog.NodeHash(left, right)
}

func (d *tileDir) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := d.authenticated(t)
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (d *tileDir) SaveTiles([]tlog.Tile, [][]byte) {}

// readBundle reads entry bundle n of a tree of size and splits it into its entries:
// each is a 2-byte big-endian length and that many bytes; nothing may follow.
func (d *tileDir) readBundle(n, size int64) ([][]byte, error) {
	w := size - n*width
	if w > width {
		w = width
	}
	t := tlog.Tile{H: height, L: -1, N: n, W: int(w)}
	path := c2spPath(t)
	data, err := os.ReadFile(filepath.Join(d.dir, filepath.FromSlash(path)))
	if err != nil {
		return nil, err
	}
	var entries [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, fmt.Errorf("%s: truncated length prefix", path)
		}
		k := int(data[0])<<8 | int(data[1])
		if len(data) < 2+k {
			return nil, fmt.Errorf("%s: entry %d truncated", path, len(entries))
		}
		entries = append(entries, data[2:2+k])
		data = data[2+k:]
	}
	if int64(len(entries)) != w {
		return nil, fmt.Errorf("%s: %d entries, want %d", path, len(entries), w)
	}
	return entries, nil
}

// checkEntries checks every entry's record hash against the authenticated level-0
// hashes and returns the record hashes of the entries at the sampled indices.
func checkEntries(d *tileDir, r tlog.HashReader, size int64, sample map[int64]bool) (map[int64]tlog.Hash, error) {
	records := make(map[int64]tlog.Hash)
	for n := int64(0); n*width < size; n++ {
		entries, err := d.readBundle(n, size)
		if err != nil {
			return nil, err
		}
		indexes := make([]int64, len(entries))
		for j := range entries {
			indexes[j] = tlog.StoredHashIndex(0, n*width+int64(j))
		}
		hashes, err := r.ReadHashes(indexes)
		if err != nil {
			return nil, fmt.Errorf("level-0 tile of entries %d..: %v", n*width, err)
		}
		for j, e := range entries {
			i := n*width + int64(j)
			h := tlog.RecordHash(e)
			if h != hashes[j] {
				return nil, fmt.Errorf("entry %d: record hash %v, tile has %v", i, h, hashes[j])
			}
			if sample[i] {
				records[i] = h
			}
		}
	}
	return records, nil
}

// receipt is a C2SP tlog-proof: an entry index, its inclusion proof and the
// signed checkpoint it was proved in.
type receipt struct {
	index int64
	proof tlog.RecordProof
	note  []byte
}

// parseReceipt reads "c2sp.org/tlog-proof@v1\n[extra B64\n]index N\n[B64 hash\n]...\n"
// followed by the signed checkpoint note.
func parseReceipt(data []byte) (receipt, error) {
	var r receipt
	head, note, ok := strings.Cut(string(data), "\n\n")
	if !ok {
		return r, errors.New("tlog-proof: no blank line before the checkpoint")
	}
	lines := strings.Split(head, "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		return r, fmt.Errorf("tlog-proof: header %q", lines[0])
	}
	lines = lines[1:]
	if len(lines) > 0 && strings.HasPrefix(lines[0], "extra ") {
		lines = lines[1:]
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "index ") {
		return r, errors.New("tlog-proof: no index line")
	}
	index, err := strconv.ParseInt(strings.TrimPrefix(lines[0], "index "), 10, 64)
	if err != nil || index < 0 {
		return r, fmt.Errorf("tlog-proof: bad %q", lines[0])
	}
	r.index = index
	for _, line := range lines[1:] {
		raw, err := base64.StdEncoding.DecodeString(line)
		if err != nil || len(raw) != tlog.HashSize {
			return r, fmt.Errorf("tlog-proof: bad hash line %q", line)
		}
		var h tlog.Hash
		copy(h[:], raw)
		r.proof = append(r.proof, h)
	}
	r.note = []byte(note)
	return r, nil
}

// checkReceipt verifies a tlog-proof with Go's tlog.CheckRecord: its checkpoint signed
// by the log and consistent with the current one, its proof leading from the entry's
// record hash (authenticated in the current tiles) to that checkpoint's root.
func checkReceipt(file string, verifiers note.Verifiers, r tlog.HashReader, cp checkpoint) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	rc, err := parseReceipt(data)
	if err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	n, err := note.Open(rc.note, verifiers)
	if err != nil {
		return fmt.Errorf("%s: checkpoint: %v", file, err)
	}
	old, err := parseCheckpoint(n.Text)
	if err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	if err := checkPrefix(r, cp, old); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	if rc.index >= old.size {
		return fmt.Errorf("%s: index %d outside its checkpoint's tree of %d", file, rc.index, old.size)
	}
	leaf, err := r.ReadHashes([]int64{tlog.StoredHashIndex(0, rc.index)})
	if err != nil {
		return fmt.Errorf("%s: record hash of entry %d: %v", file, rc.index, err)
	}
	if err := tlog.CheckRecord(rc.proof, old.size, old.root, rc.index, leaf[0]); err != nil {
		return fmt.Errorf("%s: inclusion of entry %d in the tree of %d: %v", file, rc.index, old.size, err)
	}
	return nil
}

// checkPrefix checks that old (an earlier checkpoint of the same log) is a prefix of cp.
func checkPrefix(r tlog.HashReader, cp, old checkpoint) error {
	if old.origin != cp.origin || old.size > cp.size {
		return fmt.Errorf("origin %q size %d does not precede %q size %d",
			old.origin, old.size, cp.origin, cp.size)
	}
	if old.size == 0 && old.root != tlog.Hash(sha256.Sum256(nil)) {
		return errors.New("size 0 with a root other than SHA-256 of nothing")
	}
	if old.size == cp.size && old.root != cp.root {
		return fmt.Errorf("same size %d, different root", old.size)
	}
	if old.size > 0 && old.size < cp.size {
		return checkConsistency(r, cp, old.size, old.root)
	}
	return nil
}

// checkInclusion proves and checks the inclusion of each sampled record.
func checkInclusion(r tlog.HashReader, cp checkpoint, records map[int64]tlog.Hash) error {
	for i, h := range records {
		proof, err := tlog.ProveRecord(cp.size, i, r)
		if err != nil {
			return fmt.Errorf("inclusion proof of entry %d: %v", i, err)
		}
		if err := tlog.CheckRecord(proof, cp.size, cp.root, i, h); err != nil {
			return fmt.Errorf("inclusion of entry %d: %v", i, err)
		}
	}
	return nil
}

// checkConsistency proves and checks that the tree of size old (root oldRoot)
// is a prefix of the checkpoint's tree.
func checkConsistency(r tlog.HashReader, cp checkpoint, old int64, oldRoot tlog.Hash) error {
	proof, err := tlog.ProveTree(cp.size, old, r)
	if err != nil {
		return fmt.Errorf("consistency proof from size %d: %v", old, err)
	}
	if err := tlog.CheckTree(proof, cp.size, cp.root, old, oldRoot); err != nil {
		return fmt.Errorf("consistency from size %d: %v", old, err)
	}
	return nil
}

// sampleIndexes: entry 0, every k-th entry and the last.
func sampleIndexes(size, k int64) map[int64]bool {
	sample := map[int64]bool{}
	if size == 0 {
		return sample
	}
	for i := int64(0); i < size; i += k {
		sample[i] = true
	}
	sample[size-1] = true
	return sample
}

// oldSizes: a few smaller sizes to prove consistency from, with the tile edges.
func oldSizes(size int64) []int64 {
	var sizes []int64
	for _, s := range []int64{1, 2, 255, 256, 257, width * width, width*width + 1, size / 3, size / 2, size - 1} {
		if s >= 1 && s < size {
			sizes = append(sizes, s)
		}
	}
	return sizes
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

type options struct {
	dir, vkey, origin string
	olds, receipts    stringList
	every             int64
}

func verify(o options) (string, error) {
	v, err := note.NewVerifier(o.vkey)
	if err != nil {
		return "", fmt.Errorf("verifier key: %v", err)
	}
	verifiers := note.VerifierList(v)
	cp, err := openCheckpoint(filepath.Join(o.dir, "checkpoint"), verifiers)
	if err != nil {
		return "", err
	}
	if cp.origin != o.origin {
		return "", fmt.Errorf("checkpoint origin %q, want %q", cp.origin, o.origin)
	}
	if v.Name() != o.origin {
		return "", fmt.Errorf("key name %q is not the origin %q", v.Name(), o.origin)
	}
	d := newTileDir(o.dir, cp.size)
	r := tlog.TileHashReader(tlog.Tree{N: cp.size, Hash: cp.root}, d)
	if cp.size > 0 {
		if err := d.authenticateEdge(cp.root); err != nil {
			return "", err
		}
		root, err := tlog.TreeHash(cp.size, r)
		if err != nil {
			return "", fmt.Errorf("tree hash: %v", err)
		}
		if root != cp.root {
			return "", fmt.Errorf("tree hash %v, checkpoint says %v", root, cp.root)
		}
	}
	records, err := checkEntries(d, r, cp.size, sampleIndexes(cp.size, o.every))
	if err != nil {
		return "", err
	}
	if err := checkInclusion(r, cp, records); err != nil {
		return "", err
	}
	sizes := oldSizes(cp.size)
	for _, old := range sizes {
		oldRoot, err := tlog.TreeHash(old, r)
		if err != nil {
			return "", fmt.Errorf("tree hash at size %d: %v", old, err)
		}
		if err := checkConsistency(r, cp, old, oldRoot); err != nil {
			return "", err
		}
	}
	for _, file := range o.olds {
		old, err := openCheckpoint(file, verifiers)
		if err != nil {
			return "", err
		}
		if err := checkPrefix(r, cp, old); err != nil {
			return "", fmt.Errorf("%s: %v", file, err)
		}
	}
	for _, file := range o.receipts {
		if err := checkReceipt(file, verifiers, r, cp); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("ok %s size %d root %v: %d entries, %d inclusion proofs, %d consistency proofs, %d receipts, %d tile reads",
		cp.origin, cp.size, cp.root, cp.size, len(records), len(sizes)+len(o.olds), len(o.receipts), d.reads), nil
}

func main() {
	var o options
	flag.StringVar(&o.dir, "dir", "", "the publication directory (holds checkpoint and tile/)")
	flag.StringVar(&o.vkey, "vkey", "", "the log's verifier key, name+id+base64")
	flag.StringVar(&o.origin, "origin", "", "the log's origin (first line of its checkpoints)")
	flag.Var(&o.olds, "old", "an earlier signed checkpoint to prove consistency from (repeatable)")
	flag.Var(&o.receipts, "receipt", "a C2SP tlog-proof of an entry of this log to check (repeatable)")
	flag.Int64Var(&o.every, "every", 997, "prove the inclusion of every K-th entry")
	flag.Parse()
	if o.dir == "" || o.vkey == "" || o.origin == "" || o.every < 1 || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	summary, err := verify(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify: FAILED:", err)
		os.Exit(1)
	}
	fmt.Println(summary)
}
