package readcap

import (
	"bufio"
	"errors"
	"io"
)

// JSONValues reads a stream of JSON values, as json.Decoder does, holding
// at most one value and never more than a cap of bytes of it: a value
// larger than the cap (an endless one included) fails once the cap is
// passed. It finds where a value ends (its closing bracket outside
// strings, or the end of a string or scalar) without checking its syntax,
// which the decoding of the value does.
type JSONValues struct {
	r        *bufio.Reader
	max      int64
	line     int
	col      int // column of the next byte, from 0
	start    int // column of the last value's first byte, from 0
	tooLarge func(line int) error
	buf      []byte
}

// NewJSONValues reads the values of r, the first byte of r being on line
// firstLine. A value whose bytes, and the space before it, pass max is the
// error tooLarge returns for the line it starts on.
func NewJSONValues(r io.Reader, max int64, firstLine int, tooLarge func(line int) error) *JSONValues {
	return &JSONValues{r: bufio.NewReaderSize(r, 64<<10), max: max, line: firstLine, tooLarge: tooLarge}
}

// Column is the 1-based column of the first byte of the last value read
// (in bytes).
func (s *JSONValues) Column() int { return s.start + 1 }

// Rest is what follows the last value read (or the part of it read when
// Next failed).
func (s *JSONValues) Rest() io.Reader { return s.r }

// Next returns the next value and the line it starts on; io.EOF once the
// stream holds only space, io.ErrUnexpectedEOF (with what was read of the
// value) when it ends inside a value. The value is valid until the next
// call.
func (s *JSONValues) Next() ([]byte, int, error) {
	s.buf = s.buf[:0]
	var n int64 // bytes read for this value, the space before it included
	var c byte
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return nil, s.line, err
		}
		if n++; n > s.max {
			return nil, s.line, s.tooLarge(s.line)
		}
		if b == '\n' {
			s.line++
			s.col = 0
			continue
		}
		s.col++
		if !isSpace(b) {
			c = b
			break
		}
	}
	s.start = s.col - 1
	start := s.line
	s.buf = append(s.buf, c)
	// next reads the next byte of the value.
	next := func() (byte, error) {
		b, err := s.r.ReadByte()
		if err != nil {
			return 0, err
		}
		if n++; n > s.max {
			return 0, s.tooLarge(start)
		}
		if b == '\n' {
			s.line++
			s.col = 0
		} else {
			s.col++
		}
		s.buf = append(s.buf, b)
		return b, nil
	}
	var err error
	switch c {
	case '{', '[':
		err = s.compound(next)
	case '"':
		err = s.str(next)
	case '}', ']', ',', ':':
		// not a value: the decoding says so
	default:
		err = s.scalar(&n, start)
	}
	if errors.Is(err, io.EOF) {
		return s.buf, start, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, start, err
	}
	return s.buf, start, nil
}

// compound reads up to the bracket that closes the first one.
func (s *JSONValues) compound(next func() (byte, error)) error {
	for depth := 1; depth > 0; {
		b, err := next()
		if err != nil {
			return err
		}
		switch b {
		case '"':
			if err := s.str(next); err != nil {
				return err
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return nil
}

// str reads the rest of a string, up to its closing quote.
func (s *JSONValues) str(next func() (byte, error)) error {
	for escaped := false; ; {
		b, err := next()
		switch {
		case err != nil:
			return err
		case escaped:
			escaped = false
		case b == '\\':
			escaped = true
		case b == '"':
			return nil
		}
	}
}

// scalar reads the rest of a number or literal, which ends at space, a
// delimiter or the end of the stream.
func (s *JSONValues) scalar(n *int64, start int) error {
	for {
		b, err := s.r.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if isSpace(b) || isDelimiter(b) {
			return s.r.UnreadByte()
		}
		if *n++; *n > s.max {
			return s.tooLarge(start)
		}
		s.col++
		s.buf = append(s.buf, b)
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func isDelimiter(b byte) bool {
	switch b {
	case '{', '}', '[', ']', ',', ':', '"':
		return true
	}
	return false
}
