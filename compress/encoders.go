package compress

import (
	"encoding/binary"
	"hash/crc32"
	"io"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
)

func (c *Compressor) newEncoder(coding string, dst io.Writer) encoder {
	switch coding {
	case Gzip:
		dictSize := 8 << 10
		if c.opts.GzipLevel > 0 {
			dictSize = 32 << 10
		}
		return &gzipEncoder{c: c, dst: dst, dictSize: dictSize}
	case Zstd:
		return &zstdEncoder{c: c, dst: dst}
	default:
		bw, _ := c.brPool.Get().(*brotli.Writer)
		if bw == nil {
			bw = brotli.NewWriterOptions(dst, brotli.WriterOptions{Quality: c.opts.BrotliQuality, LGWin: c.opts.BrotliWindow})
		} else {
			bw.Reset(dst)
		}
		return &brotliEncoder{c: c, w: bw}
	}
}

// ---- gzip: one member, compressed block by block ----

// gzipEncoder writes one gzip member whose deflate stream is made of
// blocks compressed one flush at a time: each block is compressed by a
// pooled (or stateless) compressor that is given the end of the stream so
// far as its dictionary, and ends on a byte boundary (a sync flush), so
// the blocks join into one valid deflate stream.
type gzipEncoder struct {
	c        *Compressor
	dst      io.Writer
	dictSize int
	dict     []byte
	pending  *[]byte
	crc      uint32
	size     uint32
	started  bool
}

var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

func (g *gzipEncoder) write(p []byte) error {
	g.crc = crc32.Update(g.crc, crc32.IEEETable, p)
	g.size += uint32(len(p))
	for len(p) > 0 {
		if g.pending == nil {
			g.pending = g.c.getBuf(&g.c.pendPool)
		}
		n := min(len(p), g.c.opts.BlockSize-len(*g.pending))
		*g.pending = append(*g.pending, p[:n]...)
		p = p[n:]
		if len(*g.pending) >= g.c.opts.BlockSize {
			if err := g.block(false); err != nil {
				return err
			}
		}
	}
	return nil
}

// block compresses the pending bytes (ending the stream if eof).
func (g *gzipEncoder) block(eof bool) error {
	var in []byte
	if g.pending != nil {
		in = *g.pending
	}
	if len(in) == 0 && !eof {
		return nil
	}
	if !g.started {
		g.started = true
		if _, err := g.dst.Write(gzipHeader); err != nil {
			return err
		}
	}
	var err error
	if level := g.c.opts.GzipLevel; level == 0 {
		err = flate.StatelessDeflate(g.dst, in, eof, g.dict)
	} else {
		fw, _ := g.c.gzipPools[level].Get().(*flate.Writer)
		if fw == nil {
			fw, _ = flate.NewWriterDict(g.dst, level, g.dict)
		} else {
			fw.ResetDict(g.dst, g.dict)
		}
		if _, err = fw.Write(in); err == nil {
			if eof {
				err = fw.Close()
			} else {
				err = fw.Flush()
			}
		}
		fw.Reset(io.Discard)
		g.c.gzipPools[level].Put(fw)
	}
	if err != nil {
		return err
	}
	// The end of the stream so far is the next block's dictionary.
	if len(in) >= g.dictSize {
		g.dict = append(g.dict[:0], in[len(in)-g.dictSize:]...)
	} else {
		keep := min(len(g.dict), g.dictSize-len(in))
		g.dict = append(g.dict[:copy(g.dict, g.dict[len(g.dict)-keep:])], in...)
	}
	if g.pending != nil {
		g.c.putBuf(&g.c.pendPool, g.pending)
		g.pending = nil
	}
	if eof {
		var t [8]byte
		binary.LittleEndian.PutUint32(t[:4], g.crc)
		binary.LittleEndian.PutUint32(t[4:], g.size)
		_, err = g.dst.Write(t[:])
	}
	return err
}

func (g *gzipEncoder) flush() error { return g.block(false) }
func (g *gzipEncoder) close() error { return g.block(true) }
func (g *gzipEncoder) release() {
	if g.pending != nil {
		g.c.putBuf(&g.c.pendPool, g.pending)
		g.pending = nil
	}
	g.dict = nil
}

// ---- zstd: a frame per block ----

// zstdEncoder writes each block as its own zstd frame, with the
// Compressor's shared encoder; a zstd stream may hold any number of
// frames, and decoders read them as one.
type zstdEncoder struct {
	c       *Compressor
	dst     io.Writer
	pending *[]byte
	wrote   bool
}

func (z *zstdEncoder) write(p []byte) error {
	for len(p) > 0 {
		if z.pending == nil {
			z.pending = z.c.getBuf(&z.c.pendPool)
		}
		n := min(len(p), z.c.opts.BlockSize-len(*z.pending))
		*z.pending = append(*z.pending, p[:n]...)
		p = p[n:]
		if len(*z.pending) >= z.c.opts.BlockSize {
			if err := z.frame(false); err != nil {
				return err
			}
		}
	}
	return nil
}

func (z *zstdEncoder) frame(final bool) error {
	var in []byte
	if z.pending != nil {
		in = *z.pending
	}
	if len(in) == 0 && (z.wrote || !final) {
		return nil
	}
	out := z.c.getBuf(&z.c.scratch)
	*out = z.c.zstd().EncodeAll(in, (*out)[:0])
	_, err := z.dst.Write(*out)
	z.c.putBuf(&z.c.scratch, out)
	z.wrote = true
	if z.pending != nil {
		z.c.putBuf(&z.c.pendPool, z.pending)
		z.pending = nil
	}
	return err
}

func (z *zstdEncoder) flush() error { return z.frame(false) }
func (z *zstdEncoder) close() error { return z.frame(true) }
func (z *zstdEncoder) release() {
	if z.pending != nil {
		z.c.putBuf(&z.c.pendPool, z.pending)
		z.pending = nil
	}
}

// ---- brotli: the stream's own encoder ----

type brotliEncoder struct {
	c *Compressor
	w *brotli.Writer
}

func (b *brotliEncoder) write(p []byte) error {
	_, err := b.w.Write(p)
	return err
}
func (b *brotliEncoder) flush() error { return b.w.Flush() }
func (b *brotliEncoder) close() error { return b.w.Close() }
func (b *brotliEncoder) release() {
	if b.w != nil {
		b.w.Reset(io.Discard)
		b.c.brPool.Put(b.w)
		b.w = nil
	}
}
