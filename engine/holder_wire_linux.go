//go:build linux

package engine

import (
	"encoding/binary"
	"errors"
	"io"
	"sync"

	"golang.org/x/sys/unix"
)

// The wire between a stream and its holder process (see holder_linux.go).

// The messages on the socket: a fixed record, with a descriptor attached
// to msgChain (the reader's newest file of a chain) and msgFile.
const (
	msgReady = 'R' // holder → reader: started, waiting for the chains
	msgChain = 'C' // reader → holder: the newest file held of chain ci
	msgGo    = 'G' // reader → holder: the reader stopped looking; go
	msgFile  = 'F' // holder → reader: the next file of chain ci
	msgOdd   = 'O' // holder → reader: slot of chain ci holds a file of type typ that is not a regular file
	msgPing  = 'P' // reader → holder: look, and answer when done
	msgPong  = 'p' // holder → reader: looked since the last ping, and sent what it found
	// msgRelease, reader → holder: the files of chain ci the reader
	// closed since the hand-over counted size bytes in all (see
	// holdSender.outstanding).
	msgRelease = 'r'
)

const (
	flagGap     = 1 << iota // msgFile: files may have come and gone before this one
	flagScanned             // msgChain: the chain was looked at already
	flagHolds               // msgChain: the reader holds a file of it (attached)
	flagFIFO                // msgReady: the holder runs at real-time priority
	flagSlice               // msgReady: the holder runs with a short slice
)

const holdMsgLen = 40

type holdMsg struct {
	kind   byte
	ci     uint8 // chain, by its place in the holder's arguments
	slot   uint8 // where the file was when the look took it
	opened uint8 // where it was first opened (see chain.openedAt)
	flags  uint8
	typ    uint8 // msgOdd: the file's type, its S_IFMT bits shifted down by 12
	ino    uint64
	// lost, on msgFile with flagGap: how many files came and went unseen
	// before this one, when known; saturates (it is a lower bound then).
	lost uint16
	// released and gapBytes, on msgFile: the files the holder let go of
	// unread just before this one to keep within the budget, and their
	// bytes. On msgChain, gapBytes is the largest rotated file the reader
	// measured.
	released uint32
	gapBytes uint64
	// size is, on msgFile, what the file counts for against the budget;
	// on msgChain, what the reader holds of the chain; on msgRelease, what
	// the files the reader closed counted for, in all.
	size uint64
	// files is, on msgChain, how many files the reader holds of the
	// chain; on msgRelease, how many it closed since the hand-over
	// (modulo 2³², as the holder counts).
	files uint32
}

// holdConn sends and receives holdMsgs with at most one descriptor each.
// Its buffers are made once: the holder's sends come right after a look
// and, like the look, do not allocate.
type holdConn struct {
	fd int
	// mu serialises sends: the reader sends pings from its watcher and
	// releases from its reader.
	mu    sync.Mutex
	out   [holdMsgLen]byte
	in    [holdMsgLen]byte
	oob   []byte // one SCM_RIGHTS record; the descriptor is written in
	inOob []byte
}

func newHoldConn(fd int) *holdConn {
	return &holdConn{fd: fd, oob: unix.UnixRights(0), inOob: make([]byte, unix.CmsgSpace(4*4))}
}

// send sends m with fd (none when fd < 0) without waiting: a full socket
// gives unix.EAGAIN.
func (hc *holdConn) send(m holdMsg, fd int) error {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	b := &hc.out
	b[0], b[1], b[2], b[3], b[4], b[5] = m.kind, m.ci, m.slot, m.opened, m.flags, m.typ
	binary.NativeEndian.PutUint16(b[6:], m.lost)
	binary.NativeEndian.PutUint64(b[8:], m.ino)
	binary.NativeEndian.PutUint64(b[16:], m.size)
	binary.NativeEndian.PutUint64(b[24:], m.gapBytes)
	binary.NativeEndian.PutUint32(b[32:], m.released)
	binary.NativeEndian.PutUint32(b[36:], m.files)
	var oob []byte
	if fd >= 0 {
		oob = hc.oob
		binary.NativeEndian.PutUint32(oob[unix.CmsgLen(0):], uint32(fd))
	}
	for {
		err := unix.Sendmsg(hc.fd, b[:], oob, nil, unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL)
		if err != unix.EINTR {
			return err
		}
	}
}

// recv waits for the next message. fd is its descriptor (-1 if none); lost
// is set when a descriptor was sent but could not be received (the
// reader's descriptor limit). The other side closing gives io.EOF.
func (hc *holdConn) recv() (m holdMsg, fd int, lost bool, err error) {
	var n, oobn, flags int
	for {
		n, oobn, flags, _, err = unix.Recvmsg(hc.fd, hc.in[:], hc.inOob, unix.MSG_CMSG_CLOEXEC)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return m, -1, false, err
	}
	if n == 0 {
		return m, -1, false, io.EOF
	}
	fd = -1
	if oobn > 0 {
		scms, _ := unix.ParseSocketControlMessage(hc.inOob[:oobn])
		for i := range scms {
			fds, _ := unix.ParseUnixRights(&scms[i])
			for _, f := range fds {
				if fd < 0 {
					fd = f
				} else {
					unix.Close(f)
				}
			}
		}
	}
	if n != holdMsgLen {
		if fd >= 0 {
			unix.Close(fd)
		}
		return m, -1, false, errHoldProtocol
	}
	return decodeHoldMsg(hc.in[:]), fd, flags&unix.MSG_CTRUNC != 0, nil
}

// decodeHoldMsg reads a message of holdMsgLen bytes.
func decodeHoldMsg(b []byte) holdMsg {
	return holdMsg{kind: b[0], ci: b[1], slot: b[2], opened: b[3], flags: b[4], typ: b[5],
		lost:     binary.NativeEndian.Uint16(b[6:]),
		ino:      binary.NativeEndian.Uint64(b[8:]),
		size:     binary.NativeEndian.Uint64(b[16:]),
		gapBytes: binary.NativeEndian.Uint64(b[24:]),
		released: binary.NativeEndian.Uint32(b[32:]),
		files:    binary.NativeEndian.Uint32(b[36:]),
	}
}

var errHoldProtocol = errors.New("engine: holder: malformed message")
